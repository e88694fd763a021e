// Retries: only idempotent methods, only failures a retry can help, with backoff, under a budget, and
// within the call's total deadline. A POST (or PATCH) reaches the service exactly once, whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { startUnacceptingListener } from '../harness/unaccepting-listener.ts';
import { adminHeaders } from '../harness/test-tokens.ts';

// These tests exercise mutations and protected fields: they call as an admin with every write scope.
let admin: Record<string, string> = {};
beforeAll(async () => {
  admin = await adminHeaders();
});
const gqlAdmin: typeof gql = (url, query, options = {}) => gql(url, query, { ...options, headers: { ...admin, ...options.headers } });

const realMovies = createMoviesService();
let realMoviesUrl: string;
let movies: FaultUpstream;
let stack: Stack;
const recover = (): { kind: 'proxy'; to: string } => ({ kind: 'proxy', to: realMoviesUrl });

beforeAll(async () => {
  realMoviesUrl = await listen(realMovies);
  movies = await startFaultUpstream(recover());
  stack = await startStack({
    moviesUrl: movies.url,
    serviceConfig: {
      // A breaker that never opens here, so that every attempt reaches the fault upstream.
      movies: { retry: { retries: 2, baseDelay: '1ms', maxDelay: '5ms', budgetRatio: 10 }, breaker: { volumeThreshold: 1000 } },
    },
  });
});
afterAll(async () => {
  await stack.close();
  await movies.close();
  await closeServer(realMovies);
});

/** Requests the fault upstream receives while `run` runs, as "METHOD path". */
async function received(run: () => Promise<unknown>): Promise<string[]> {
  const before = movies.requests.length;
  await run();
  return movies.requests.slice(before).map((r) => `${r.method} ${r.url}`);
}

describe('retries', () => {
  it('retries a GET that got 503, and succeeds when the service recovers', async () => {
    movies.setMode({ kind: 'sequence', modes: [{ kind: 'status', status: 503 }, recover()] });
    let body: any;
    const calls = await received(async () => ({ body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 2) { id } }')));
    expect(calls).toEqual(['GET /movies?limit=2&offset=0', 'GET /movies?limit=2&offset=0']);
    expect(body.errors).toBeUndefined();
    expect(body.data.movies).toHaveLength(2);
    expect(body.extensions.upstream.requests[0].attempts).toBe(2);
  });

  it('gives up after the configured retries with the last error', async () => {
    movies.setMode({ kind: 'status', status: 503 });
    let body: any;
    const calls = await received(async () => ({ body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }')));
    expect(calls).toHaveLength(3);
    expect(codesOf(body)).toEqual(['UPSTREAM_ERROR']);
  });

  it('retries a reset connection', async () => {
    movies.setMode({ kind: 'sequence', modes: [{ kind: 'reset' }, recover()] });
    let body: any;
    const calls = await received(async () => ({ body } = await gqlAdmin(stack.gatewayUrl, '{ movie(id: "3") { id } }')));
    expect(calls).toEqual(['GET /movies?ids=3', 'GET /movies?ids=3']);
    expect(body.data.movie.id).toBe('3');
  });

  it('never sends a POST twice, whatever the failure', async () => {
    for (const mode of [{ kind: 'status', status: 503 }, { kind: 'reset' }, { kind: 'status', status: 502 }] as const) {
      movies.setMode(mode);
      const calls = await received(() => gqlAdmin(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Once", directorId: "1" }) { id } }'));
      expect(calls).toEqual(['POST /movies']);
    }
  });

  it('never sends a PATCH twice', async () => {
    movies.setMode({ kind: 'status', status: 503 });
    const calls = await received(() => gqlAdmin(stack.gatewayUrl, 'mutation { updateMovie(id: "1", input: { title: "x" }) { id } }'));
    expect(calls).toEqual(['PATCH /movies/1']);
  });

  it('retries a DELETE (idempotent by the default policy)', async () => {
    movies.setMode({ kind: 'sequence', modes: [{ kind: 'status', status: 503 }, { kind: 'status', status: 404, body: { error: { message: 'movie 999 not found' } } }] });
    const calls = await received(() => gqlAdmin(stack.gatewayUrl, 'mutation { deleteMovie(id: "999") { id } }'));
    expect(calls).toEqual(['DELETE /movies/999', 'DELETE /movies/999']);
  });

  it('does not retry answers a retry cannot change (400, 404, 500)', async () => {
    for (const status of [400, 404, 500]) {
      movies.setMode({ kind: 'status', status, body: { error: { message: 'no' } } });
      expect(await received(() => gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }'))).toHaveLength(1);
    }
  });
});

describe('the retry budget', () => {
  it('stops retrying when retries would exceed the budget', async () => {
    const movies2 = await startFaultUpstream({ kind: 'status', status: 503 });
    // No share of traffic, and a reserve of 0.2 retries per second over the 10 s window: 2 retries in all.
    const tight = await startStack({
      moviesUrl: movies2.url,
      serviceConfig: { movies: { retry: { retries: 2, baseDelay: '1ms', maxDelay: '1ms', budgetRatio: 0, budgetMinPerSecond: 0.2 }, breaker: { volumeThreshold: 1000 } } },
    });
    try {
      await gqlAdmin(tight.gatewayUrl, '{ movies(limit: 1) { id } }');
      expect(movies2.requests).toHaveLength(3); // the first call spends the whole budget
      await gqlAdmin(tight.gatewayUrl, '{ movies(limit: 1) { id } }');
      await gqlAdmin(tight.gatewayUrl, '{ movies(limit: 1) { id } }');
      expect(movies2.requests).toHaveLength(5); // then no retries at all
    } finally {
      await tight.close();
      await movies2.close();
    }
  });
});

describe('timeouts', () => {
  it('gives up connecting to an instance that never accepts, at the connect timeout', async () => {
    const listener = await startUnacceptingListener();
    // The total and first-byte timeouts outlast the test's own limit: only the connect timeout can end this call.
    const quick = await startStack({ moviesUrl: listener.url, serviceConfig: { movies: { connectTimeout: '100ms', timeout: '120s', firstByteTimeout: '120s', retry: { retries: 0 } } } });
    try {
      const { body } = await gqlAdmin(quick.gatewayUrl, '{ user(id: "1") { id } movies(limit: 1) { id } }');
      expect(body.data).toEqual({ user: { id: '1' }, movies: null });
      expect(body.errors?.[0]).toMatchObject({ message: 'movies service did not answer in time', extensions: { code: 'GATEWAY_TIMEOUT', service: 'movies' } });
    } finally {
      await quick.close();
      listener.close();
    }
  });

  it('ends a call to a hung service at the total deadline, retries included', async () => {
    const hung = await startFaultUpstream({ kind: 'hang' });
    const quick = await startStack({ moviesUrl: hung.url, serviceConfig: { movies: { timeout: '250ms', firstByteTimeout: '100ms', retry: { baseDelay: '1ms', maxDelay: '1ms' } } } });
    try {
      const { body } = await gqlAdmin(quick.gatewayUrl, '{ user(id: "1") { id } movies(limit: 1) { id } }');
      expect(body.data).toEqual({ user: { id: '1' }, movies: null });
      expect(body.errors?.[0]).toMatchObject({ message: 'movies service did not answer in time', extensions: { code: 'GATEWAY_TIMEOUT', service: 'movies' } });
      // First-byte timeouts (100 ms) end each attempt; the total (250 ms) leaves room for at most three.
      expect(hung.requests.length).toBeGreaterThanOrEqual(1);
      expect(hung.requests.length).toBeLessThanOrEqual(3);
    } finally {
      await quick.close();
      await hung.close();
    }
  });

  it('waits for a slow answer that arrives within the first-byte timeout', async () => {
    movies.setMode({ kind: 'delay', ms: 50, then: recover() });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.movies).toHaveLength(1);
  });

  it('gives up on an answer slower than the first-byte timeout, and retries it', async () => {
    const slow = await startFaultUpstream({ kind: 'delay', ms: 1_000, then: { kind: 'status', status: 200, body: [] } });
    const quick = await startStack({ moviesUrl: slow.url, serviceConfig: { movies: { firstByteTimeout: '100ms', timeout: '20s', retry: { retries: 1, baseDelay: '1ms', maxDelay: '1ms' } } } });
    try {
      const { body } = await gqlAdmin(quick.gatewayUrl, '{ movies(limit: 1) { id } }');
      expect(codesOf(body)).toEqual(['GATEWAY_TIMEOUT']);
      expect(slow.requests).toHaveLength(2); // the first attempt and its retry, each cut at the first-byte timeout
    } finally {
      await quick.close();
      await slow.close();
    }
  });

  it('ends a POST to a hung service at the deadline, sent once', async () => {
    const hung = await startFaultUpstream({ kind: 'hang' });
    const quick = await startStack({ moviesUrl: hung.url, serviceConfig: { movies: { timeout: '200ms' } } });
    try {
      const { body } = await gqlAdmin(quick.gatewayUrl, 'mutation { createMovie(input: { title: "T", directorId: "1" }) { id } }');
      expect(codesOf(body)).toEqual(['GATEWAY_TIMEOUT']);
      expect(hung.requests.map((r) => r.method)).toEqual(['POST']);
    } finally {
      await quick.close();
      await hung.close();
    }
  });
});
