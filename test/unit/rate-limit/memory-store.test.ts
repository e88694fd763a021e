import { describe, expect, it } from 'vitest';
import { StoreConflict } from '../../../src/rate-limit/limit-store.ts';
import { MemoryStore } from '../../../src/rate-limit/memory-store.ts';

const id = (who: string, what = 'graphql') => ({ contextIdentity: who, fieldIdentity: what });

describe('MemoryStore', () => {
  it('keeps at most maxEntries logs, dropping the least recently used', async () => {
    const store = new MemoryStore({ maxEntries: 100 });
    for (let i = 0; i < 1000; i++) {
      const who = id(`ip:10.0.${i >> 8}.${i & 255}`);
      await store.getForIdentity(who);
      await store.setForIdentity(who, [Date.now()], 60_000);
    }
    expect(store.size).toBe(100);
    expect(store.peek(id('ip:10.0.3.231'))).toHaveLength(1); // the newest stay
    expect(store.peek(id('ip:10.0.0.0'))).toHaveLength(0); // the oldest went first
  });

  it('evicts idle identities once every timestamp has left its window', async () => {
    let now = 1_000_000;
    const store = new MemoryStore({ maxEntries: 1000, now: () => now });
    // graphql-rate-limit passes one identity object to the read and the write of a call.
    const call = async (who: string) => {
      const identity = id(who);
      await store.getForIdentity(identity);
      await store.setForIdentity(identity, [now], 10_000);
    };
    for (const who of ['a', 'b', 'c']) await call(who);
    now += 5_000;
    await call('d');
    expect(store.size).toBe(4);
    now += 6_000; // a, b and c are idle now; d is not
    store.sweep();
    expect(store.size).toBe(1);
    expect(store.peek(id('d'))).toEqual([now - 6_000]);
  });

  it('refuses a write when the log changed since the caller read it', async () => {
    const store = new MemoryStore({ maxEntries: 10 });
    const first = id('x');
    const second = id('x'); // the same key, read by another call
    await store.getForIdentity(first);
    await store.getForIdentity(second);
    const now = Date.now();
    await store.setForIdentity(first, [now], 60_000);
    expect(() => store.setForIdentity(second, [now + 1], 60_000)).toThrow(StoreConflict);
    expect(store.peek(first)).toEqual([now]);
  });
});
