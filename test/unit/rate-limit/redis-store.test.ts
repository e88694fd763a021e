// The Redis store against a real redis-server: a write lands only if the log is still what this call
// read (compare-and-set), a stale mirror is corrected by the refused write, logs expire with their window,
// and commands fail fast (StoreUnavailable) while Redis is down.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READ, StoreConflict, StoreUnavailable, type ReadNote } from '../../../src/rate-limit/limit-store.ts';
import { RedisStore } from '../../../src/rate-limit/redis-store.ts';
import { createLogger } from '../../../src/logger.ts';
import { startRedis, type RedisServer } from '../../harness/redis-server.ts';

let redis: RedisServer;
const stores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  await redis.stop();
});

async function connectedStore(): Promise<RedisStore> {
  const store = new RedisStore(redis.url, { maxEntries: 100, logger: createLogger({ level: 'silent' }) });
  stores.push(store);
  await store.ready(); // the connection's own event: however busy the machine, no polling
  expect(store.state).toBe('ready');
  return store;
}

const call = (who: string): ReadNote<string> => ({ contextIdentity: who, fieldIdentity: 'graphql' });

describe('RedisStore', () => {
  it('writes a log, and another instance reads it', async () => {
    const [a, b] = [await connectedStore(), await connectedStore()];
    const first = call('alice');
    expect(await a.getForIdentity(first)).toEqual([]);
    await a.setForIdentity(first, [1000], 60_000);
    expect(await b.getForIdentity(call('alice'))).toEqual([1000]);
  });

  it('refuses a write when another instance wrote since this call read, and then mirrors what Redis holds', async () => {
    const [a, b] = [await connectedStore(), await connectedStore()];
    const readByA = call('bob');
    const readByB = call('bob');
    await a.getForIdentity(readByA);
    await b.getForIdentity(readByB);
    await b.setForIdentity(readByB, [1], 60_000);
    await expect(a.setForIdentity(readByA, [2], 60_000)).rejects.toBeInstanceOf(StoreConflict);
    // A's mirror now holds B's write: the next call decides on it with no round trip.
    const again = call('bob');
    expect(await a.getForIdentity(again)).toEqual([1]);
    expect(again[READ]).toBe('[1]');
    await a.setForIdentity(again, [1, 2], 60_000);
    expect(await (await connectedStore()).getForIdentity(call('bob'))).toEqual([1, 2]);
  });

  it('lets a log expire with its window (the key\'s time to live in Redis)', async () => {
    const a = await connectedStore();
    const first = call('carol');
    await a.getForIdentity(first);
    await a.setForIdentity(first, [5], 30_000);
    const direct = new Redis({ path: new URL(redis.url).pathname });
    try {
      const ttl = await direct.pttl('gateway:rl:carol\u0000graphql');
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(30_000);
    } finally {
      direct.disconnect();
    }
  });

  it('fails fast with StoreUnavailable while Redis is down', async () => {
    const own = await startRedis();
    const store = new RedisStore(own.url, { maxEntries: 100, logger: createLogger({ level: 'silent' }) });
    stores.push(store);
    await own.stop();
    await expect(store.getForIdentity(call('dave'))).rejects.toBeInstanceOf(StoreUnavailable);
  });
});
