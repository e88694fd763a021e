// The Redis store, for several gateway instances enforcing one limit: a log is a JSON array under one
// key, written only if it is still what this call read (a compare-and-set in one Lua script, so the
// check and the write are atomic across instances) and expiring with its window. Reads are optimistic:
// a call decides on the log as this instance last saw it (mirrored in memory), and the compare-and-set
// catches any write another instance made since; it then returns the current log, the mirror takes
// it, and the call is decided again. So an allowed call costs one round trip, a refused one none; a
// stale mirror can only hold fewer calls than Redis, so a refusal from it is always right. Commands
// fail fast while Redis is unreachable (no offline queue, a short timeout): the caller then applies
// its Redis-down policy.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { READ, StoreConflict, storeKey, StoreUnavailable, type LimitIdentity, type LimitStore, type ReadNote } from './limit-store.ts';
import { MemoryStore } from './memory-store.ts';

const PREFIX = 'gateway:rl:';
/** How long a log read (not written) here stays mirrored before the next call reads Redis again. */
const MIRROR_KEEP_MS = 60_000;
/**
 * SET the key to ARGV[2] (expiring in ARGV[3] ms) if it still holds ARGV[1] ("" for absent): 1 when
 * written, else what it holds now ("" when absent).
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
if current == false then return '' end
return current`;

type CasRedis = Redis & { compareAndSet(key: string, expected: string, value: string, ttlMs: number): Promise<number | string> };

export type RedisState = 'connecting' | 'ready' | 'down';

export class RedisStore implements LimitStore {
  readonly #redis: CasRedis;
  readonly #mirror: MemoryStore;

  constructor(url: string, options: { maxEntries: number; logger: Logger; commandTimeoutMs?: number }) {
    this.#mirror = new MemoryStore({ maxEntries: options.maxEntries });
    const connection = {
      enableOfflineQueue: false, // fail at once while disconnected, rather than queue behind the outage
      commandTimeout: options.commandTimeoutMs ?? 250,
      maxRetriesPerRequest: 0,
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000), // keep reconnecting, at most every 2 s
      lazyConnect: false,
    };
    // unix:///path/redis.sock is a socket path; anything else is a redis:// or rediss:// URL.
    this.#redis = (url.startsWith('unix:') ? new Redis({ ...connection, path: new URL(url).pathname }) : new Redis(url, connection)) as CasRedis;
    this.#redis.defineCommand('compareAndSet', { numberOfKeys: 1, lua: COMPARE_AND_SET });
    let wasReady = false;
    this.#redis.on('ready', () => {
      wasReady = true;
      options.logger.info('rate-limit store connected', { store: 'redis' });
    });
    this.#redis.on('error', (err: Error) => {
      if (wasReady) options.logger.warn('rate-limit store unreachable', { store: 'redis', error: err.message });
      wasReady = false;
    });
  }

  /** Resolves once connected (at once if it is). */
  ready(): Promise<void> {
    return this.#redis.status === 'ready' ? Promise.resolve() : new Promise((resolve) => this.#redis.once('ready', () => resolve()));
  }

  get state(): RedisState {
    const status = this.#redis.status;
    return status === 'ready' ? 'ready' : status === 'connecting' || status === 'connect' || status === 'wait' ? 'connecting' : 'down';
  }

  async getForIdentity(identity: ReadNote<string>): Promise<readonly number[]> {
    const key = storeKey(identity);
    const seen = this.#mirror.mirrored(key);
    if (seen) {
      identity[READ] = seen.raw;
      return seen.timestamps;
    }
    let raw: string | null;
    try {
      raw = await this.#redis.get(PREFIX + key);
    } catch (err) {
      throw new StoreUnavailable((err as Error).message);
    }
    identity[READ] = raw ?? '';
    const timestamps = raw ? (JSON.parse(raw) as number[]) : [];
    this.#mirror.write(key, timestamps, MIRROR_KEEP_MS, raw ?? '');
    return timestamps;
  }

  async setForIdentity(identity: ReadNote<string>, timestamps: readonly number[], windowMs = 60_000): Promise<void> {
    const key = storeKey(identity);
    const expected = identity[READ] ?? '';
    const value = JSON.stringify(timestamps);
    if (value === expected || (expected === '' && timestamps.length === 0)) return; // nothing changed (a refused call)
    let result: number | string;
    try {
      result = await this.#redis.compareAndSet(PREFIX + key, expected, value, Math.max(1, Math.ceil(windowMs)));
    } catch (err) {
      throw new StoreUnavailable((err as Error).message);
    }
    if (result === 1) {
      this.#mirror.write(key, timestamps, windowMs, value);
      return;
    }
    // Another instance wrote first: take what Redis holds now and decide again.
    const current = String(result);
    this.#mirror.write(key, current ? (JSON.parse(current) as number[]) : [], windowMs, current);
    throw new StoreConflict();
  }

  peek(identity: LimitIdentity): readonly number[] {
    return this.#mirror.peek(identity);
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#mirror.close();
  }
}
