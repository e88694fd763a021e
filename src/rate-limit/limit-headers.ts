// The headers of a rate-limited answer (IETF draft "RateLimit header fields for HTTP"): the budget,
// what is left of it, and the seconds until a slot frees up; Retry-After when the call was refused.
import type { GatewayErrorCode } from '../errors.ts';
import type { LimitDecision } from './rate-limiter.ts';

export function limitHeaders(decision: LimitDecision): Record<string, string> {
  const headers: Record<string, string> = {
    'ratelimit-limit': String(decision.limit),
    'ratelimit-remaining': String(decision.remaining),
    'ratelimit-reset': String(decision.resetSeconds),
  };
  if (!decision.allowed) headers['retry-after'] = String(decision.resetSeconds);
  return headers;
}

/** The error of a refused call, the same on every path: over the limit, or the store down under "reject". */
export function limitRefusal(decision: LimitDecision, what: string): { code: GatewayErrorCode; message: string } {
  return decision.storeDown
    ? { code: 'SERVICE_UNAVAILABLE', message: 'the rate-limit store is unavailable; try again shortly' }
    : { code: 'RATE_LIMITED', message: `too many requests for ${what}: retry after ${decision.resetSeconds} s` };
}
