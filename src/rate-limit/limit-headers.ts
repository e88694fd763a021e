// The headers of a rate-limited answer (IETF draft "RateLimit header fields for HTTP"): the budget,
// what is left of it, and the seconds until a slot frees up; Retry-After when the call was refused.
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

export const refusalMessage = (decision: LimitDecision, what: string): string =>
  decision.storeDown ? 'the rate-limit store is unavailable; try again shortly' : `too many requests for ${what}: retry after ${decision.resetSeconds} s`;
