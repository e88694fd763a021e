// What every generated resolver finds in the GraphQL context.
import type { Identity } from '../auth/identity.ts';
import type { RestScope } from '../loaders/rest-scope.ts';
import type { LimitDecision } from '../rate-limit/rate-limiter.ts';

export interface ResolverContext {
  rest: RestScope;
  /** The verified caller; undefined when the request carried no token. */
  identity: Identity | undefined;
  /** The client's address as rate limits see it (set by useRateLimit). */
  clientAddress?: string;
  /** This operation's decisions on @rateLimit fields, one per field. */
  fieldLimits?: Map<string, Promise<LimitDecision>>;
}

/** Every resolver the gateway generates from the SDL, so a test can show no other (delegating) resolver runs. */
export const GENERATED_RESOLVERS = new WeakSet<(...args: never[]) => unknown>();
