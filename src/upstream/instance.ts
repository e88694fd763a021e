// One instance of a service: its keep-alive pool, its breaker and how many calls it has in flight.
import CircuitBreaker from 'opossum';
import { Pool } from 'undici';
import type { ServiceConfig } from '../config/config-schema.ts';
import type { UpstreamResponse } from './messages.ts';
import { NOT_THE_SERVICES_FAULT, UpstreamFailure } from './errors.ts';
import type { ServiceTls } from './service-tls.ts';

export type BreakerState = 'closed' | 'open' | 'halfOpen';

export class Instance {
  readonly url: string;
  readonly pool: Pool;
  /** The base URL's path, prefixed to every call ("" for a bare origin). */
  readonly basePath: string;
  /** Fires one attempt (a thunk from breaker.ts), counting how it ends. */
  readonly breaker: CircuitBreaker<[() => Promise<UpstreamResponse>], UpstreamResponse>;
  /** Calls in flight, for the least-pending balancer. */
  pending = 0;

  constructor(url: string, config: ServiceConfig, name: string, tls?: ServiceTls) {
    const u = new URL(url);
    this.url = url;
    this.basePath = u.pathname.replace(/\/+$/, '');
    this.pool = new Pool(u.origin, {
      connections: config.connections,
      keepAliveTimeout: 30_000, // 30 s idle, under the example services' 65 s
      connectTimeout: config.connectTimeoutMs,
      headersTimeout: config.firstByteTimeoutMs,
      bodyTimeout: config.timeoutMs,
      ...(tls && u.protocol === 'https:' && { connect: tls.connect }),
    });
    const b = config.breaker;
    // timeout: false — each call times itself with its own AbortSignal. opossum's own timeout (and its
    // one shared abortController) would abort every call in flight when one of them is slow.
    this.breaker = new CircuitBreaker((run: () => Promise<UpstreamResponse>) => run(), {
      name,
      timeout: false,
      errorThresholdPercentage: b.errorThresholdPercentage,
      volumeThreshold: b.volumeThreshold,
      rollingCountTimeout: b.windowMs,
      rollingCountBuckets: b.buckets,
      resetTimeout: b.resetTimeoutMs,
      // Off: with them, every call's latency is kept for the window and, once a second, all of them
      // (120,000 at 12,000 calls a second) are concatenated and sorted for a snapshot nobody reads: a
      // stall that set the passthrough's p99 (12.9 ms → 8.3 ms without it).
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // A call its client cancelled (or its operation's deadline ended, or whose answer was over the size
      // limit) says nothing about the service's health.
      errorFilter: (err: unknown) => err instanceof UpstreamFailure && NOT_THE_SERVICES_FAULT.has(err.kind),
    });
  }

  get state(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'halfOpen' : 'closed';
  }

  #closed: Promise<void> | undefined;

  /** Once, however often asked: two quick reloads may each retire an instance both of them dropped. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.breaker.shutdown();
      await this.pool.close();
    })();
    return this.#closed;
  }
}
