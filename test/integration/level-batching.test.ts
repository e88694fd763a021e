// Level-wise batching: a level's keys go out in one call whatever order and timing the answers that
// produce them arrive in. 20 users' reviews are 20 calls (the reviews service has no batch endpoint);
// the movies of all of them are one call, not one per reviews answer. Calls counted at the services.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, listen } from '../harness/listen.ts';
import { gql } from '../harness/graphql-client.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';
import { createUserReviewsService } from '../fixtures/user-reviews/user-reviews-service.ts';

const QUERY = '{ users(limit: 20) { id reviews { rating movie { title } } } }';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function stackWithReviews(delayMs: (userId: number, call: number) => number, batchWait?: string): Promise<{ stack: Stack; calls: string[] }> {
  const reviews = createUserReviewsService(delayMs);
  const url = await listen(reviews);
  const stack = await startStack({
    config: {
      ...(batchWait !== undefined && { graphql: { batchWait } }),
      services: { reviews: { urls: [url], schema: join(ROOT, 'test/fixtures/user-reviews/user-reviews.graphql') } },
    },
  });
  cleanups.push(async () => {
    await stack.close();
    await closeServer(reviews);
  });
  return { stack, calls: reviews.calls };
}

/** Deterministic "random" delays from a seed, 0 to 30 ms. */
const seeded = (seed: number) => (userId: number) => ((userId * 2654435761 + seed) % 31);

describe('one call per level, whatever the order of the answers', () => {
  const orders: Array<[string, (userId: number, call: number) => number]> = [
    ['all at once', () => 0],
    ['ascending', (userId) => userId],
    ['descending', (userId) => 30 - userId],
    ['random (seed 1)', seeded(1)],
    ['random (seed 7)', seeded(7)],
    ['adversarial: every other one slow', (_userId, call) => (call % 2 ? 30 : 0)],
  ];
  for (const [name, delay] of orders) {
    it(`${name}: 1 users call, 20 reviews calls, 1 movies call`, async () => {
      // A generous wait: the batch goes out as soon as the level has settled, well before it.
      const { stack, calls } = await stackWithReviews(delay, '1s');
      await resetStats(stack.usersUrl, stack.moviesUrl);
      const { body } = await gql(stack.gatewayUrl, QUERY);
      expect(body.errors).toBeUndefined();
      expect(body.data.users).toHaveLength(20);
      expect(body.data.users[0].reviews[0].movie.title).toEqual(expect.any(String));
      expect(calls).toHaveLength(20);
      expect((await statsOf(stack.usersUrl)).total).toBe(1);
      const movies = await statsOf(stack.moviesUrl);
      expect(movies.total).toBe(1);
    });
  }
});

describe('the bounded wait', () => {
  it('does not let one slow sibling hold the rest: past batchWait the ready keys go out', async () => {
    // User 1's reviews take a second; the others answer at once. With a 100 ms wait the movies of 19
    // users go out without waiting for user 1's; user 1's movies follow in a second call.
    const { stack } = await stackWithReviews((userId) => (userId === 1 ? 1000 : 0), '100ms');
    await resetStats(stack.moviesUrl);
    const { body } = await gql(stack.gatewayUrl, QUERY);
    expect(body.errors).toBeUndefined();
    expect((await statsOf(stack.moviesUrl)).total).toBe(2);
  });

  it('with batchWait 0, batches per tick as DataLoader does: a call per answer that arrived alone', async () => {
    const { stack } = await stackWithReviews((userId) => userId * 3, '0ms');
    await resetStats(stack.moviesUrl);
    await gql(stack.gatewayUrl, QUERY);
    expect((await statsOf(stack.moviesUrl)).total).toBeGreaterThan(10);
  });
});
