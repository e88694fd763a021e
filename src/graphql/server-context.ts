// What the HTTP server passes to Yoga with each request (Yoga's server context), read by the context
// factory and the plugins.
import type { ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { Identity } from '../auth/identity.ts';
import type { Logger } from '../logger.ts';

/** Passed by the HTTP server with each request; useAuthentication adds the identity. */
export interface ServerContext {
  requestId: string;
  /** The request's logger: its lines carry the request id. */
  log?: Logger;
  /** performance.now() when the request arrived, for the operation's latency. */
  startedAt?: number;
  identity?: Identity | undefined;
  /** The request's span, when tracing. */
  span?: Span | undefined;
  /** Node's response, which Yoga's node adapter passes along: its closing ends the operation's calls. */
  res?: ServerResponse;
}
