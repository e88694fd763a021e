// What every generated resolver finds in the GraphQL context, and what the operation compiler may know
// of each resolver.
import type { Identity } from '../auth/identity.ts';
import type { EntityOwner } from '../loaders/batch-load.ts';
import type { RestScope } from '../loaders/rest-scope.ts';
import type { LimitDecision } from '../rate-limit/rate-limiter.ts';
import type { RefFieldPlan } from '../sdl/plan-subgraph.ts';

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

/**
 * Resolvers that read only their parent, arguments and context (never `info`) and call services with
 * GETs alone, which the request's scope caches: the compiled path (src/compiled/) may call them without
 * graphql-js's per-field info, and replaying an operation on the general executor repeats none of their calls.
 */
export const READ_ONLY_RESOLVERS = new WeakSet<(...args: never[]) => unknown>();

/** An @ref field's resolver, by what it does: the compiled path loads the keys of all its parents at once. */
export interface RefResolution {
  plan: Pick<RefFieldPlan, 'key' | 'returns'>;
  owner: EntityOwner;
}
export const REF_RESOLUTIONS = new WeakMap<(...args: never[]) => unknown, RefResolution>();

/**
 * A guard's wrapper (access rule, rate limit) by what it checks before its inner resolver: the compiled
 * path runs `before` once per field and level (it reads the arguments and the caller, not the parent)
 * and then gets the value as the inner resolver, or the parent's property, would.
 */
export interface GuardedResolution {
  before: (args: Record<string, unknown>, context: ResolverContext) => void | Promise<void>;
  inner: ((...args: never[]) => unknown) | undefined;
}
export const GUARDED_RESOLUTIONS = new WeakMap<(...args: never[]) => unknown, GuardedResolution>();
