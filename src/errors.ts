// The one catalogue of public error codes and their HTTP statuses. GraphQL errors carry
// `extensions.{ code, http.status, service }`; REST error bodies are `{ error: { code, message, requestId } }`.
import { GraphQLError } from 'graphql';

export type GatewayErrorCode =
  | 'NOT_FOUND' // the entity or REST resource does not exist
  | 'BAD_USER_INPUT' // the service rejected the input (400, 409, 422), with the service's message
  | 'UPSTREAM_ERROR' // the service failed (5xx), or could not be reached
  | 'GATEWAY_TIMEOUT' // the service did not answer in time
  | 'SERVICE_UNAVAILABLE' // every instance's circuit breaker is open: failed fast, no call made
  | 'BAD_REQUEST' // the request to the gateway itself is malformed
  | 'GRAPHQL_VALIDATION_FAILED' // the operation does not match the schema (Yoga's code), or gives no slicing argument where @listSize needs one
  | 'UNAUTHENTICATED' // no valid token where one is needed, or a token that fails verification
  | 'FORBIDDEN' // a valid token without the scopes (or ownership) the field or route needs
  | 'RATE_LIMITED' // over a rate limit: retry after extensions.retryAfter seconds (Retry-After on HTTP)
  | 'UNSUPPORTED_MEDIA_TYPE' // a POST body that is not JSON
  | 'PAYLOAD_TOO_LARGE' // a request body over the configured limit
  | 'HEADERS_TOO_LARGE' // a request head over the configured limit
  | 'REQUEST_TIMEOUT' // the client took longer than `requestTimeout` to send its request
  | 'LENGTH_REQUIRED' // a GraphQL POST that does not declare its size
  | 'ROUTE_NOT_FOUND' // no route on the gateway for this path
  | 'MAX_DEPTH_EXCEEDED' // the operation nests fields deeper than graphql.limits.depth
  | 'MAX_ALIASES_EXCEEDED' // more aliases than graphql.limits.aliases
  | 'MAX_ROOT_FIELDS_EXCEEDED' // more root fields than graphql.limits.rootFields
  | 'MAX_DIRECTIVES_EXCEEDED' // more directives than graphql.limits.directives
  | 'MAX_TOKENS_EXCEEDED' // a document of more tokens than graphql.limits.tokens (refused while parsing)
  | 'MAX_FIELDS_EXCEEDED' // more field selections, fragments expanded, than graphql.limits.fields
  | 'COST_LIMIT_EXCEEDED' // the estimated (or, at run time, actual) REST calls or items are over the budget
  | 'INTROSPECTION_DISABLED' // __schema or __type asked for while introspection is off
  | 'CSRF_HEADER_REQUIRED' // a request a browser could send cross-site without a preflight
  | 'INTERNAL_SERVER_ERROR' // a bug in the gateway; details are in the log, never in the response
  | 'CONFIG_INVALID'; // start-up only: the configuration or an SDL file is wrong

export const HTTP_STATUS: Readonly<Record<GatewayErrorCode, number>> = Object.freeze({
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  UPSTREAM_ERROR: 502,
  GATEWAY_TIMEOUT: 504,
  SERVICE_UNAVAILABLE: 503,
  BAD_REQUEST: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  HEADERS_TOO_LARGE: 431,
  REQUEST_TIMEOUT: 408,
  LENGTH_REQUIRED: 411,
  ROUTE_NOT_FOUND: 404,
  MAX_DEPTH_EXCEEDED: 400,
  MAX_ALIASES_EXCEEDED: 400,
  MAX_ROOT_FIELDS_EXCEEDED: 400,
  MAX_DIRECTIVES_EXCEEDED: 400,
  MAX_TOKENS_EXCEEDED: 400,
  MAX_FIELDS_EXCEEDED: 400,
  COST_LIMIT_EXCEEDED: 400,
  INTROSPECTION_DISABLED: 400,
  CSRF_HEADER_REQUIRED: 400,
  INTERNAL_SERVER_ERROR: 500,
  CONFIG_INVALID: 500,
});

/**
 * Builds an error that reports an expected outcome (a service down, a missing entity), not a bug, without
 * capturing a stack trace: nobody reads it, and capturing it is the largest cost of failing fast.
 */
export function withoutStack<E extends Error>(make: () => E): E {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return make();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** A GraphQL error with a public code; `service` names the upstream service it came from, if any. */
export function gatewayGraphQLError(code: GatewayErrorCode, message: string, service?: string): GraphQLError {
  const extensions: Record<string, unknown> = { code };
  if (service !== undefined) extensions.service = service;
  return withoutStack(() => new GraphQLError(message, { extensions }));
}

/** Thrown at start-up when the configuration or an SDL file is wrong; the message names the file and the problem. */
export class ConfigError extends Error {
  static readonly code = 'CONFIG_INVALID';
  readonly code = ConfigError.code;
  override readonly name = 'ConfigError';
}
