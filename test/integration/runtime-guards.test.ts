// Guards at run time, for what a static estimate cannot see: a cap on the REST calls one operation makes,
// one deadline for all its levels, its client's disconnection, and answers over a service's size limit.
// REST calls are counted at the services; none of these outcomes counts against a service's breaker.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { adminHeaders } from '../harness/test-tokens.ts';

const QUERY = '{ users(limit: 2) { id favoriteMovies { id director { id name } } } }';

const failuresAt = (stack: Stack, service: string): number =>
  (stack.gateway.upstream.report()[service] ?? []).reduce((sum, instance) => sum + instance.window.failures, 0);

describe('a cap on the REST calls one operation makes', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { graphql: { cost: { runtimeMaxCalls: 2 } } } });
  });
  afterAll(() => stack.close());

  it('past graphql.cost.runtimeMaxCalls the rest is null with COST_LIMIT_EXCEEDED, and no further call is made', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    const { status, body } = await gql(stack.gatewayUrl, QUERY);
    expect(status).toBe(200);
    // users (1) and the favorites' batch (2) are fetched; the directors' batch would be the third call.
    expect(body.data.users[0].favoriteMovies[0]).toEqual({ id: expect.any(String), director: null });
    expect(new Set(codesOf(body))).toEqual(new Set(['COST_LIMIT_EXCEEDED']));
    expect(body.errors?.[0]?.message).toBe('the operation reached its limit of 2 REST calls; the rest of it was not fetched');
    const [users, movies] = await Promise.all([statsOf(stack.usersUrl), statsOf(stack.moviesUrl)]);
    expect(users.total + movies.total).toBe(2);
    expect(body.extensions?.cost?.actual).toEqual({ calls: 2 });
  });
});

describe('one deadline for the whole operation', () => {
  let slowMovies: FaultUpstream | undefined;
  afterEach(() => slowMovies?.close());

  it('past graphql.operationTimeout the calls in flight end, the rest is null with GATEWAY_TIMEOUT, and the next level never starts', async () => {
    const real = await startStack();
    slowMovies = await startFaultUpstream({ kind: 'hang' });
    // The service's own timeout (10 s) is far away: the operation's deadline ends the call.
    const guarded = await startStack({ usersUrl: real.usersUrl, moviesUrl: slowMovies.url, config: { graphql: { operationTimeout: '150ms' } } });
    try {
      await resetStats(real.usersUrl);
      const cancelled = slowMovies.nextCancelled();
      const { body } = await gql(guarded.gatewayUrl, QUERY);
      await cancelled; // the movies call was ended by the gateway, not answered
      expect(body.data.users).toEqual([{ id: '1', favoriteMovies: null }, { id: '2', favoriteMovies: null }]);
      expect(new Set(codesOf(body))).toEqual(new Set(['GATEWAY_TIMEOUT']));
      expect(body.errors?.[0]?.message).toBe('the operation ran out of time (graphql.operationTimeout) before movies service answered');
      // Users were fetched once; the directors below the favorites were never asked for.
      expect((await statsOf(real.usersUrl)).total).toBe(1);
      expect(slowMovies.requests).toHaveLength(1);
      expect(failuresAt(guarded, 'movies')).toBe(0);
    } finally {
      await guarded.close();
      await real.close();
    }
  });

  it('a call that would start after the deadline is never sent: serial mutations stop at the first that ran out of time', async () => {
    slowMovies = await startFaultUpstream({ kind: 'hang' });
    const guarded = await startStack({ moviesUrl: slowMovies.url, config: { graphql: { operationTimeout: '150ms' } } });
    try {
      const { body } = await gql(guarded.gatewayUrl, 'mutation { a: deleteMovie(id: "1") { id } b: deleteMovie(id: "2") { id } }', { headers: await adminHeaders() });
      expect(body.data).toEqual({ a: null, b: null });
      expect(codesOf(body)).toEqual(['GATEWAY_TIMEOUT', 'GATEWAY_TIMEOUT']);
      expect(body.errors?.[1]).toMatchObject({ path: ['b'], message: 'the operation ran out of time (graphql.operationTimeout) before movies service answered', extensions: { service: 'movies' } });
      // Mutations run one after another: the second was refused before it was sent.
      expect(slowMovies.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['DELETE /movies/1']);
    } finally {
      await guarded.close();
    }
  });
});

describe('a client that goes away', () => {
  it('ends the operation\'s calls in flight, and no further REST call starts', async () => {
    const real = await startStack();
    const slowUsers = await startFaultUpstream({ kind: 'hang' });
    const stack = await startStack({ usersUrl: slowUsers.url, moviesUrl: real.moviesUrl });
    try {
      await resetStats(real.moviesUrl);
      const client = new AbortController();
      const arrived = slowUsers.nextRequest();
      const cancelled = slowUsers.nextCancelled();
      const sent = gql(stack.gatewayUrl, QUERY, { signal: client.signal }).catch((err: Error) => err);
      await arrived;
      client.abort();
      expect(await sent).toBeInstanceOf(Error);
      await cancelled; // the gateway closed its call to users when the client left
      expect(slowUsers.requests).toHaveLength(1);
      expect((await statsOf(real.moviesUrl)).total).toBe(0);
      expect(failuresAt(stack, 'users')).toBe(0);
      // The gateway goes on serving.
      const next = await gql(stack.gatewayUrl, '{ movie(id: "1") { id } }');
      expect(next.body.data).toEqual({ movie: { id: '1' } });
    } finally {
      await stack.close();
      await slowUsers.close();
      await real.close();
    }
  });
});

describe('answers over a service\'s maxResponseBytes', () => {
  let stack: Stack;
  let big: FaultUpstream;
  beforeAll(async () => {
    big = await startFaultUpstream({ kind: 'large', bytes: 200_000, chunked: false });
    stack = await startStack({ moviesUrl: big.url, serviceConfig: { movies: { maxResponseBytes: 64 * 1024 } } });
  });
  afterAll(async () => {
    await stack.close();
    await big.close();
  });

  for (const chunked of [false, true]) {
    it(`are refused with UPSTREAM_ERROR, not read whole (${chunked ? 'chunked, no declared size' : 'Content-Length'})`, async () => {
      big.setMode({ kind: 'large', bytes: 200_000, chunked });
      const { status, body } = await gql(stack.gatewayUrl, '{ movies(limit: 5) { id } user(id: "1") { id } }');
      expect(status).toBe(200);
      expect(body.data).toEqual({ movies: null, user: { id: '1' } });
      expect(body.errors).toEqual([
        expect.objectContaining({ path: ['movies'], message: 'movies service answered with a body over its maxResponseBytes limit', extensions: { code: 'UPSTREAM_ERROR', service: 'movies' } }),
      ]);
      expect(failuresAt(stack, 'movies')).toBe(0);
    });
  }
});
