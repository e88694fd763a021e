// N+1 is impossible: per request, each entity type and each @batch field is loaded with one call per
// tick (split by batch size and URL length), whatever the page size; calls are counted at the services.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { startFaultUpstream } from '../harness/fault-upstream.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { schemaFile, startStack, type Stack } from '../harness/start-stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

async function callsFor(query: string, s: Stack = stack): Promise<{ users: Record<string, number>; movies: Record<string, number>; body: any }> {
  await resetStats(s.usersUrl, s.moviesUrl);
  const { body } = await gql(s.gatewayUrl, query);
  expect(body.errors).toBeUndefined();
  const [users, movies] = await Promise.all([statsOf(s.usersUrl), statsOf(s.moviesUrl)]);
  return { users: users.routes, movies: movies.routes, body };
}

describe('a constant number of REST calls, whatever the page size', () => {
  for (const limit of [1, 10, 50, 200]) {
    it(`users(limit: ${limit}) → favoriteMovies → director: 3 calls`, async () => {
      const { users, movies, body } = await callsFor(`{ users(limit: ${limit}) { id name favoriteMovies { id title director { id name } } } }`);
      expect(body.data.users).toHaveLength(limit);
      expect(users).toEqual({ 'GET /users': 1, 'GET /users?ids': 1 });
      expect(movies).toEqual({ 'GET /movies?ids': 1 });
    });
  }

  for (const limit of [5, 100]) {
    it(`movies(limit: ${limit}) → director → directedMovies: 3 calls`, async () => {
      const { users, movies, body } = await callsFor(`{ movies(limit: ${limit}) { id director { id directedMovies { id title } } } }`);
      expect(body.data.movies).toHaveLength(limit);
      expect(users).toEqual({ 'GET /users?ids': 1 });
      expect(movies).toEqual({ 'GET /movies': 1, 'GET /movies?directorIds': 1 });
      for (const movie of body.data.movies) expect(movie.director.directedMovies.map((m: any) => m.id)).toContain(movie.id);
    });
  }

  it('splits each director\'s movies exactly as the service lists them one director at a time', async () => {
    const { body } = await callsFor('{ movies(limit: 30) { director { id directedMovies { id } } } }');
    for (const { director } of body.data.movies.slice(0, 5)) {
      const alone = await (await fetch(`${stack.moviesUrl}/movies?directorId=${director.id}&limit=1000`)).json();
      expect(director.directedMovies.map((m: any) => m.id)).toEqual(alone.map((m: any) => m.id));
    }
  });
});

describe('splitting batches', () => {
  it('splits a batch by the service\'s maximum batch size', async () => {
    const small = await startStack({ serviceConfig: { movies: { maxBatchSize: 10 } } });
    try {
      const { movies, body } = await callsFor('{ users(limit: 10) { favoriteMovies { id } } }', small);
      const distinct = new Set(body.data.users.flatMap((u: any) => u.favoriteMovies.map((m: any) => m.id))).size;
      expect(movies).toEqual({ 'GET /movies?ids': Math.ceil(distinct / 10) });
    } finally {
      await small.close();
    }
  });

  it('splits a batch so that no URL is longer than the service\'s limit', async () => {
    const short = await startStack({ serviceConfig: { movies: { maxUrlLength: 300 } } });
    try {
      const { body } = await gql(short.gatewayUrl, '{ users(limit: 40) { favoriteMovies { id } } }');
      const batches = body.extensions!.upstream!.requests.filter((r) => r.service === 'movies');
      expect(batches.length).toBeGreaterThan(1);
      for (const b of batches) expect(b.path.length).toBeLessThanOrEqual(300);
      const asked = batches.flatMap((b) => decodeURIComponent(b.path.split('ids=')[1] as string).split(','));
      expect(new Set(asked).size).toBe(asked.length); // no id asked twice
    } finally {
      await short.close();
    }
  });
});

/** schema/users.graphql as if the service had no batch endpoint: users load one at a time, GET /users/{id}. */
function usersWithoutBatchEndpoint(): string {
  const sdl = readFileSync(schemaFile('users'), 'utf8');
  const single = sdl.replace('@entity(key: "id", batchPath: "/users", batchParam: "ids")', '@entity(key: "id", path: "/users/{key}")');
  expect(single).not.toBe(sdl);
  const file = join(mkdtempSync(join(tmpdir(), 'gateway-no-batch-')), 'users.graphql');
  writeFileSync(file, single);
  return file;
}

describe('a service with no batch endpoint', () => {
  it('loads each distinct entity once, with the single calls concurrent under the cap', async () => {
    const users = createUsersService();
    const usersUrl = await listen(users);
    const counting = await startFaultUpstream({ kind: 'proxy', to: usersUrl });
    const single = await startStack({
      usersUrl: counting.url,
      serviceConfig: { users: { schema: usersWithoutBatchEndpoint(), maxConcurrency: 4 } },
      // Without a batch endpoint 60 directors may cost 60 calls: over the default budget of 50.
      config: { graphql: { cost: { maxCalls: 100 } } },
    });
    try {
      const { body } = await gql(single.gatewayUrl, '{ movies(limit: 60) { director { id name } } }');
      expect(body.errors).toBeUndefined();
      const directors = new Set(body.data.movies.map((m: any) => m.director.id));
      const lookups = counting.requests.filter((r) => /^\/users\/\d+$/.test(r.url)).map((r) => r.url);
      expect(lookups).toHaveLength(directors.size); // one call per distinct director
      expect(new Set(lookups).size).toBe(lookups.length);
      expect(counting.maxInFlight).toBeLessThanOrEqual(4);
      expect(counting.maxInFlight).toBeGreaterThan(1); // and they did run concurrently
    } finally {
      await single.close();
      await counting.close();
      await closeServer(users);
    }
  });
});
