// Circuit breakers per instance: 5xx, timeouts and connection errors open them; 4xx do not. An open
// breaker fails fast (no request reaches the service) with SERVICE_UNAVAILABLE while the other service's
// data still comes back; a half-open trial closes it again once the service heals.
import { once } from 'node:events';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { repeatUntil } from '../harness/until.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

const realMovies = createMoviesService();
let realMoviesUrl: string;
let movies: FaultUpstream;
let stack: Stack;

beforeAll(async () => {
  realMoviesUrl = await listen(realMovies);
  movies = await startFaultUpstream({ kind: 'proxy', to: realMoviesUrl });
  stack = await startStack({
    moviesUrl: movies.url,
    serviceConfig: {
      movies: { retry: { retries: 0 }, timeout: '300ms', breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, window: '60s', buckets: 6, resetTimeout: '200ms' } },
    },
  });
});
afterAll(async () => {
  await stack.close();
  await movies.close();
  await closeServer(realMovies);
});

const breakerOf = () => stack.gateway.upstream.service('movies')!.instances[0]!.breaker;
const moviesQuery = () => gql(stack.gatewayUrl, '{ movies(limit: 1) { id } }');

/** Heals the service and waits until the breaker has closed again, so each test starts closed. */
async function heal(): Promise<void> {
  movies.setMode({ kind: 'proxy', to: realMoviesUrl });
  const breaker = breakerOf();
  if (breaker.opened) await once(breaker, 'halfOpen');
  if (!breaker.closed) await moviesQuery();
  expect(breaker.closed).toBe(true);
}

describe('a failing instance', () => {
  beforeEach(heal);

  it('opens the breaker after the threshold, then fails fast without calling the service', async () => {
    const fresh = await startStack({
      moviesUrl: movies.url,
      serviceConfig: { movies: { retry: { retries: 0 }, breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, window: '60s', buckets: 6, resetTimeout: '60s' } } },
    });
    try {
      movies.setMode({ kind: 'status', status: 500, body: { error: { message: 'db down' } } });
      const before = movies.requests.length;
      for (let i = 0; i < 4; i++) expect(codesOf((await gql(fresh.gatewayUrl, '{ movies(limit: 1) { id } }')).body)).toEqual(['UPSTREAM_ERROR']);
      expect(movies.requests.length - before).toBe(4);
      expect(fresh.gateway.upstream.service('movies')!.instances[0]!.state).toBe('open');

      const { body } = await gql(fresh.gatewayUrl, '{ user(id: "1") { name } movies(limit: 1) { id } }');
      expect(body.data.user.name).toBeTypeOf('string');
      expect(body.data.movies).toBeNull();
      expect(body.errors?.[0]).toMatchObject({ message: 'movies service is unavailable (circuit open)', extensions: { code: 'SERVICE_UNAVAILABLE', service: 'movies' } });
      expect(movies.requests.length - before).toBe(4); // no request reached the service

      const health = await (await fetch(`${fresh.gatewayUrl}/healthz`)).json();
      expect(health.services.movies[0]).toMatchObject({ breaker: 'open' });
      const ready = await fetch(`${fresh.gatewayUrl}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await fresh.close();
    }
  });

  it('lets one trial through when half open, and closes again once the service has healed', async () => {
    movies.setMode({ kind: 'status', status: 503 });
    const breaker = breakerOf();
    const opened = once(breaker, 'open');
    await repeatUntil(() => breaker.opened, moviesQuery, 'the breaker opening');
    await opened;
    expect(codesOf((await moviesQuery()).body)).toEqual(['SERVICE_UNAVAILABLE']);

    movies.setMode({ kind: 'proxy', to: realMoviesUrl });
    await once(breaker, 'halfOpen');
    const before = movies.requests.length;
    const { body } = await moviesQuery();
    expect(body.errors).toBeUndefined();
    expect(body.data.movies).toHaveLength(1);
    expect(movies.requests.length - before).toBe(1);
    expect(breaker.closed).toBe(true);
  });

  it('opens again at once when the half-open trial fails', async () => {
    movies.setMode({ kind: 'status', status: 500 });
    const breaker = breakerOf();
    await repeatUntil(() => breaker.opened, moviesQuery, 'the breaker opening');
    await once(breaker, 'halfOpen');
    expect(codesOf((await moviesQuery()).body)).toEqual(['UPSTREAM_ERROR']); // the trial
    expect(breaker.opened).toBe(true);
    expect(codesOf((await moviesQuery()).body)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('counts timeouts as failures', async () => {
    movies.setMode({ kind: 'hang' });
    const breaker = breakerOf();
    let timeouts = 0;
    await repeatUntil(() => breaker.opened, async () => {
      if (codesOf((await moviesQuery()).body)[0] === 'GATEWAY_TIMEOUT') timeouts++;
    }, 'the breaker opening');
    expect(timeouts).toBeGreaterThanOrEqual(1);
    expect(codesOf((await moviesQuery()).body)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('counts connection resets as failures', async () => {
    movies.setMode({ kind: 'reset' });
    const breaker = breakerOf();
    await repeatUntil(() => breaker.opened, async () => expect(codesOf((await moviesQuery()).body)).toEqual(['UPSTREAM_ERROR']), 'the breaker opening');
    expect(codesOf((await moviesQuery()).body)).toEqual(['SERVICE_UNAVAILABLE']);
  });

  it('does not count 4xx answers: the service is answering', async () => {
    movies.setMode({ kind: 'status', status: 404, body: { error: { message: 'no such movie' } } });
    for (let i = 0; i < 12; i++) expect(codesOf((await gql(stack.gatewayUrl, '{ movie(id: "1") { id } movies(limit: 1) { id } }')).body)).toContain('NOT_FOUND');
    expect(breakerOf().closed).toBe(true);
  });
});
