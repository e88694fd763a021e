// The one edge where transport failures (undici's UND_ERR_*, aborts, timeouts, open breakers, bad JSON)
// become public error codes. Messages name the service, never an internal URL or a stack.
import type { GraphQLError } from 'graphql';
import { gatewayGraphQLError, withoutStack, type GatewayErrorCode } from '../errors.ts';
import type { UpstreamResponse } from './messages.ts';

/** Why a call got no usable answer. */
export type FailureKind =
  | 'unreachable' // refused, reset, DNS, or closed mid-answer
  | 'timeout' // connect, first byte, or the call's total deadline
  | 'unavailable' // every instance's breaker is open: failed fast, no socket opened
  | 'invalid' // an answer that is not JSON
  | 'too_large' // an answer over the service's maxResponseBytes, refused unread
  | 'deadline' // the GraphQL operation's own deadline passed first; the service is not to blame
  | 'cancelled'; // the client went away first; the service is not to blame

/** A call that got no usable HTTP answer. */
export class UpstreamFailure extends Error {
  readonly service: string;
  readonly kind: FailureKind;
  constructor(service: string, kind: FailureKind, options?: ErrorOptions) {
    super(MESSAGES[kind](service), options);
    this.service = service;
    this.kind = kind;
  }
}

const MESSAGES: Record<FailureKind, (service: string) => string> = {
  unreachable: (s) => `${s} service is unreachable`,
  timeout: (s) => `${s} service did not answer in time`,
  unavailable: (s) => `${s} service is unavailable (circuit open)`,
  invalid: (s) => `${s} service answered with a body that is not JSON`,
  too_large: (s) => `${s} service answered with a body over its maxResponseBytes limit`,
  deadline: (s) => `the operation ran out of time (graphql.operationTimeout) before ${s} service answered`,
  cancelled: (s) => `the call to ${s} was cancelled: the client went away`,
};

/** Failures that say nothing about a service's health: its breaker does not count them, and they are not retried. */
export const NOT_THE_SERVICES_FAULT: ReadonlySet<FailureKind> = new Set(['cancelled', 'deadline', 'too_large']);

/** Why a caller's signal was aborted: the reason it was given ("deadline"), else the client went away. */
export function abortKind(signal: AbortSignal): FailureKind {
  return signal.reason === 'deadline' ? 'deadline' : 'cancelled';
}

/**
 * A 5xx answer, thrown inside the breaker so that it counts as a failure, and turned back into the
 * answer outside it: callers see the status as usual.
 */
export class ServerErrorAnswer extends Error {
  readonly response: UpstreamResponse;
  constructor(response: UpstreamResponse) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // only carries the answer through opossum; a stack would be wasted work
    super(`HTTP ${response.status}`);
    Error.stackTraceLimit = limit;
    this.response = response;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Classifies a thrown transport error from one call to `service`. */
export function upstreamFailure(service: string, err: unknown): UpstreamFailure {
  if (err instanceof UpstreamFailure) return err;
  const e = err as { name?: string; code?: string };
  const timedOut = e.name === 'TimeoutError' || (e.code !== undefined && TIMEOUT_CODES.has(e.code));
  return failure(service, timedOut ? 'timeout' : 'unreachable', err);
}

/** An UpstreamFailure without a stack trace: it reports the service's state, not a bug here. */
export function failure(service: string, kind: FailureKind, cause?: unknown): UpstreamFailure {
  return withoutStack(() => new UpstreamFailure(service, kind, cause === undefined ? undefined : { cause }));
}

const CODES: Record<FailureKind, GatewayErrorCode> = {
  unreachable: 'UPSTREAM_ERROR',
  timeout: 'GATEWAY_TIMEOUT',
  unavailable: 'SERVICE_UNAVAILABLE',
  invalid: 'UPSTREAM_ERROR',
  too_large: 'UPSTREAM_ERROR',
  deadline: 'GATEWAY_TIMEOUT',
  cancelled: 'UPSTREAM_ERROR',
};

export function failureCode(failure: UpstreamFailure): GatewayErrorCode {
  return CODES[failure.kind];
}

export function failureToGraphQLError(failure: UpstreamFailure): GraphQLError {
  return gatewayGraphQLError(failureCode(failure), failure.message, failure.service);
}
