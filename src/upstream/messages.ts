// What a call to a service sends and gets back: plain data, imported by every part of the upstream
// layer and by its callers, importing nothing of it.
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { RequestTrace } from '../tracing/spans.ts';
import type { Logger } from '../logger.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface UpstreamRequest {
  /** An HttpMethod from resolvers; any method from the passthrough. */
  method: string;
  /** Path and query, relative to the instance's base URL: "/users?ids=1,2". */
  path: string;
  /** The path as the SDL or route writes it ("/users/{args.id}"): what names the call in traces. */
  route?: string | undefined;
  /** The request's trace, when tracing: the call's span goes under its span. */
  trace?: RequestTrace | undefined;
  /** Sent as JSON when present. */
  body?: unknown;
  requestId: string;
  /** The request's logger (its lines carry the request id); the client's own when there is no request. */
  log?: Logger | undefined;
  /** Headers the gateway adds to a JSON call: the caller's identity. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * The caller's end: aborted when its client goes away, or when a GraphQL operation's deadline passes
   * (reason "deadline"). No attempt starts after it, and the one in flight ends.
   */
  signal?: AbortSignal | undefined;
  /** Passthrough: headers and body as they are, and the answer streamed back instead of parsed. */
  raw?: RawRequest;
}

export interface RawRequest {
  headers: Record<string, string | string[]>;
  /** The body to stream to the service; null when the request has none (only then may it be retried). */
  body: Readable | null;
}

export interface UpstreamResponse {
  status: number;
  /** The parsed JSON answer; undefined when the answer had no body (or came back raw). */
  body: unknown;
  /** The answer's headers (lower-case names), for templates that read them. */
  headers?: Readonly<Record<string, unknown>>;
  /** The JSON answer as it came, for the response cache. */
  text?: string;
  /** Passthrough: the answer's headers and its body, not yet read. */
  raw?: { headers: IncomingHttpHeaders; body: Readable };
}
