// The one edge where transport failures (undici's UND_ERR_*, aborts, timeouts, bad JSON) become public
// error codes. Messages name the service, never an internal URL or a stack.
import type { GraphQLError } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';

/** A call that got no usable HTTP answer: unreachable, reset, timed out, or not JSON. */
export class UpstreamFailure extends Error {
  readonly service: string;
  readonly timedOut: boolean;
  constructor(service: string, message: string, timedOut: boolean, options?: ErrorOptions) {
    super(message, options);
    this.service = service;
    this.timedOut = timedOut;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Classifies a thrown transport error from one call to `service`. */
export function upstreamFailure(service: string, err: unknown): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  const e = err as { name?: string; code?: string };
  const timedOut = e.name === 'TimeoutError' || (e.code !== undefined && TIMEOUT_CODES.has(e.code));
  const message = timedOut ? `${service} service did not answer in time` : `${service} service is unreachable`;
  return new UpstreamFailure(service, message, timedOut, { cause: err });
}

export function failureToGraphQLError(failure: UpstreamFailure): GraphQLError {
  return gatewayGraphQLError(failure.timedOut ? 'GATEWAY_TIMEOUT' : 'UPSTREAM_ERROR', failure.message, failure.service);
}
