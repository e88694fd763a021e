// Rate limits on graphql-rate-limit's sliding-window limiter, for GraphQL operations, SDL fields and
// passthrough routes alike: check(who, what, limit) counts one call and says whether it is allowed,
// with what the RateLimit-* headers need. Refused calls are not counted (so a log never holds more
// than `max` timestamps), concurrent calls that raced are decided again, and while Redis is down the
// configured policy applies: per-instance limits from memory ("local") or refusal ("reject").
import { getGraphQLRateLimiter } from 'graphql-rate-limit';
import type { LimitConfig, RateLimitConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { StoreConflict, StoreUnavailable, type LimitStore } from './limit-store.ts';
import { MemoryStore } from './memory-store.ts';
import { RedisStore, type RedisState } from './redis-store.ts';

export interface LimitDecision {
  allowed: boolean;
  /** The budget's max, for RateLimit-Limit. */
  limit: number;
  remaining: number;
  /** Seconds until a call in the window expires (RateLimit-Reset, and Retry-After when refused). */
  resetSeconds: number;
  /** Refused because the shared store is down and the policy is "reject". */
  storeDown?: boolean;
}

interface Engine {
  store: LimitStore;
  decide: ReturnType<typeof getGraphQLRateLimiter>;
}

const RETRIES_ON_CONFLICT = 4;
const WARN_EVERY_MS = 30_000;

function engine(store: LimitStore): Engine {
  // identifyContext reads the key the limiter was given; the field name carries which limit it is.
  return { store, decide: getGraphQLRateLimiter({ store, identifyContext: (context: { who: string }) => context.who, formatError: () => 'limited' }) };
}

export class RateLimiter {
  readonly #primary: Engine;
  readonly #local: Engine | undefined;
  readonly #redis: RedisStore | undefined;
  readonly #policy: RateLimitConfig['onStoreDown'];
  readonly #logger: Logger;
  readonly #metrics: GatewayMetrics | undefined;
  #lastWarning = 0;

  constructor(config: RateLimitConfig, logger: Logger, metrics?: GatewayMetrics) {
    this.#logger = logger;
    this.#metrics = metrics;
    this.#policy = config.onStoreDown;
    const memory = new MemoryStore({ maxEntries: config.maxEntries });
    if (config.redisUrl) {
      this.#redis = new RedisStore(config.redisUrl, { maxEntries: config.maxEntries, logger });
      this.#primary = engine(this.#redis);
      this.#local = engine(memory);
    } else {
      this.#primary = engine(memory);
    }
  }

  /** For /healthz: where the limits live and whether that store is reachable. */
  get storeState(): { store: 'memory' } | { store: 'redis'; state: RedisState; onDown: string } {
    return this.#redis ? { store: 'redis', state: this.#redis.state, onDown: this.#policy } : { store: 'memory' };
  }

  /** `what` names the limit: "graphql", "route:/users", "field:Query.search" (refusals are counted by it). */
  async check(who: string, what: string, limit: LimitConfig): Promise<LimitDecision> {
    const decision = await this.#check(who, what, limit);
    if (!decision.allowed) this.#metrics?.rateLimitRefusal(what, decision.storeDown ? 'store_down' : 'over_budget');
    return decision;
  }

  async #check(who: string, what: string, limit: LimitConfig): Promise<LimitDecision> {
    try {
      return await this.#decide(this.#primary, who, what, limit);
    } catch (err) {
      if (!(err instanceof StoreUnavailable) || !this.#local) throw err;
      const now = Date.now();
      if (now - this.#lastWarning > WARN_EVERY_MS) {
        this.#lastWarning = now;
        this.#logger.warn(this.#policy === 'local' ? 'rate-limit store down: limits are per instance until it is back' : 'rate-limit store down: refusing limited requests', { error: err.message });
      }
      if (this.#policy === 'reject') return { allowed: false, storeDown: true, limit: limit.max, remaining: 0, resetSeconds: 1 };
      return this.#decide(this.#local, who, what, limit);
    }
  }

  async #decide(e: Engine, who: string, what: string, limit: LimitConfig): Promise<LimitDecision> {
    for (let attempt = 0; ; attempt++) {
      let refusal: string | undefined;
      try {
        refusal = await e.decide({ parent: undefined, args: {}, context: { who }, info: { fieldName: what } as never }, { max: limit.max, window: String(limit.windowMs), uncountRejected: true });
      } catch (err) {
        if (!(err instanceof StoreConflict)) throw err;
        if (attempt < RETRIES_ON_CONFLICT) continue;
        refusal = 'limited'; // a burst of racing calls from one identity: refuse this one
      }
      const now = Date.now();
      const live = e.store.peek({ contextIdentity: who, fieldIdentity: what }).filter((t) => t + limit.windowMs > now);
      const oldest = live[0] ?? now; // logs are in time order
      return {
        allowed: refusal === undefined,
        limit: limit.max,
        remaining: Math.max(0, limit.max - live.length),
        resetSeconds: Math.max(1, Math.ceil((oldest + limit.windowMs - now) / 1000)),
      };
    }
  }

  #closed: Promise<void> | undefined;

  /** Closes the stores (Redis's connection); a second call waits for the first. */
  close(): Promise<void> {
    return (this.#closed ??= Promise.all([this.#primary.store.close(), this.#local?.store.close()]).then(() => {}));
  }
}

/** The identity a limit counts against: the token's subject when verified, else the client address. */
export const limitKey = (subject: string | undefined, clientAddress: string): string => (subject !== undefined ? `sub:${subject}` : `ip:${clientAddress}`);
