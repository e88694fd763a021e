// What the HTTP server passes to Yoga with each request (Yoga's server context), read by the context
// factory and the plugins.
import type { ServerResponse } from 'node:http';
import type { Identity } from '../auth/identity.ts';
import type { Logger } from '../logger.ts';
import type { RequestTrace } from '../tracing/spans.ts';

/** Passed by the HTTP server with each request; useAuthentication adds the identity. */
export interface ServerContext {
  requestId: string;
  /** The request's logger: its lines carry the request id. */
  log?: Logger;
  /** performance.now() when the request arrived, for the operation's latency. */
  startedAt?: number;
  identity?: Identity | undefined;
  /** The request's trace, when tracing. */
  trace?: RequestTrace | undefined;
  /** The operation as the metrics plugin learns it (use-metrics.ts), carried here rather than in a WeakMap keyed by the request. */
  operation?: OperationRecord | undefined;
  /** Node's response, which Yoga's node adapter passes along: its closing ends the operation's calls. */
  res?: ServerResponse;
}

/** A GraphQL operation's name and type once validated, and its resolver context once executing. */
export interface OperationRecord {
  name: string | null | undefined;
  type: string;
  context?: unknown;
}
