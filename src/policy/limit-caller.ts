// One rate-limit check for GraphQL operations and passthrough routes alike: the caller (token subject,
// else client address) against the budget for verified or anonymous callers; the RateLimit-* headers
// every answer of a limited operation or route carries, and the refusal when over the budget (429 with
// Retry-After, or 503 while a shared store is down under the "reject" policy).
import type { Identity } from '../auth/identity.ts';
import type { IdentityBudgets } from '../config/config-schema.ts';
import { limitHeaders, limitRefusal } from '../rate-limit/limit-headers.ts';
import { limitKey, type LimitDecision, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { Refusal } from './refusal.ts';

export interface CallerLimit {
  decision: LimitDecision;
  headers: Record<string, string>;
  refusal: Refusal | undefined;
}

/** `what` keys the budget ("graphql", "route:/users"); `label` names it in the refusal's message. */
export async function limitCaller(limiter: RateLimiter, identity: Identity | undefined, address: string, what: string, budgets: IdentityBudgets, label: string): Promise<CallerLimit> {
  const decision = await limiter.check(limitKey(identity?.subject, address), what, identity ? budgets.authenticated : budgets.anonymous);
  const headers = limitHeaders(decision);
  if (decision.allowed) return { decision, headers, refusal: undefined };
  const { code, message } = limitRefusal(decision, label);
  return { decision, headers, refusal: { code, message, headers, extensions: { retryAfter: decision.resetSeconds } } };
}
