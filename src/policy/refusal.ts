// A request refused before it reaches a service, in terms both entry points render: GraphQL as an
// errors result with the code's HTTP status, the passthrough as a JSON error body.
import type { GatewayErrorCode } from '../errors.ts';

export interface Refusal {
  code: GatewayErrorCode;
  message: string;
  /** WWW-Authenticate, Retry-After, RateLimit-*: what the client needs to do better. */
  headers?: Record<string, string> | undefined;
  /** Extra `extensions` of a GraphQL error (e.g. retryAfter). */
  extensions?: Record<string, unknown>;
}
