// Compiled operations (src/compiled/): the same answer, byte for byte, and the same REST calls as the
// general executor (graphql-jit), on queries that run compiled, that are replayed after something
// irregular, and that the compiler leaves to the general executor. Three gateways share the example
// services: compiled, general only, and a dev one (compile: "verify") that checks each compiled answer
// against graphql-js's own execution and says which path each query took. graphql-jit puts the fields
// of fragments after the fields beside them, where the spec (and graphql-js, and the compiled path)
// keeps document order: for those queries the general answer is the same but for the order of keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { bearer } from '../harness/test-tokens.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

let compiled: Stack;
let general: Stack;
let dev: Stack;

beforeAll(async () => {
  compiled = await startStack({ config: { graphql: { compile: true, devExtensions: false } } });
  const services = { usersUrl: compiled.usersUrl, moviesUrl: compiled.moviesUrl };
  general = await startStack({ ...services, config: { graphql: { compile: false, devExtensions: false } } });
  dev = await startStack({ ...services, config: { graphql: { devExtensions: true } } });
});
afterAll(async () => {
  await dev.close();
  await general.close();
  await compiled.close();
});

async function post(url: string, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, text: await res.text() };
}

async function calls(stack: Stack, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<{ status: number; text: string; calls: number }> {
  await resetStats(stack.usersUrl, stack.moviesUrl);
  const answer = await post(stack.gatewayUrl, query, variables, headers);
  const counted = (await statsOf(stack.usersUrl)).total + (await statsOf(stack.moviesUrl)).total;
  return { ...answer, calls: counted };
}

const CASES: Array<{ name: string; query: string; variables?: Record<string, unknown>; path: 'compiled' | 'replayed' | 'general'; jitReorders?: boolean; as?: string }> = [
  { name: 'the bench query', path: 'compiled', query: '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }' },
  {
    name: 'aliases, named fragments and a field selected twice',
    path: 'compiled',
    jitReorders: true,
    query: '{ a: users(limit: 3) { ...U favoriteMovies { year } } b: users(limit: 2, offset: 5) { id } } fragment U on User { id name favoriteMovies { id title } }',
  },
  {
    name: '__typename, inline fragments and a @batch field under an @ref',
    path: 'compiled',
    jitReorders: true,
    query: '{ movies(limit: 6) { __typename id ... on Movie { title year genre } director { __typename name directedMovies { id title } } } }',
  },
  {
    name: 'variables, with a default left out',
    path: 'compiled',
    query: 'query Q($id: ID!, $n: Int) { user(id: $id) { name favoriteMovies { title } } movies(limit: $n) { id title } }',
    variables: { id: '3', n: 4 },
  },
  { name: '@skip and @include with literals', path: 'compiled', query: '{ users(limit: 2) { id name @skip(if: true) favoriteMovies @include(if: false) { id } } }' },
  { name: 'an entity that does not exist (NOT_FOUND)', path: 'replayed', query: '{ user(id: "999999") { id name } movie(id: "1") { title } }' },
  { name: 'a non-null field of a missing entity', path: 'replayed', query: '{ movie(id: "999999") { id title } users(limit: 1) { id } }' },
  { name: '@include on a variable', path: 'general', query: 'query($with: Boolean!) { users(limit: 2) { id favoriteMovies @include(if: $with) { title } } }', variables: { with: true } },
  { name: 'a guarded field (@authenticated), refused to an anonymous caller', path: 'replayed', query: '{ users(limit: 2) { id email } }' },
  { name: 'a guarded field (@authenticated), for an authenticated caller', path: 'compiled', query: '{ users(limit: 3) { id email favoriteMovies { title } } }', as: '7' },
  { name: 'introspection next to data', path: 'general', query: '{ __schema { queryType { name } } users(limit: 1) { id } }' },
  { name: 'a variable of the wrong type', path: 'general', query: 'query($n: Int) { users(limit: $n) { id } }', variables: { n: 'many' } },
];

describe('compiled operations', () => {
  for (const c of CASES) {
    it(`${c.name}: the general executor's answer, byte for byte, with its calls (${c.path})`, async () => {
      const headers = c.as ? await bearer(c.as) : {};
      const fast = await calls(compiled, c.query, c.variables, headers);
      const slow = await calls(general, c.query, c.variables, headers);
      expect(fast.status).toBe(slow.status);
      if (c.jitReorders) {
        expect(fast.text).not.toBe(slow.text);
        expect(JSON.parse(fast.text)).toEqual(JSON.parse(slow.text));
      } else {
        expect(fast.text).toBe(slow.text);
      }
      expect(fast.calls).toBe(slow.calls);
      // In verify mode a compiled answer that graphql-js would give otherwise is an INTERNAL_SERVER_ERROR.
      const { body } = await gql(dev.gatewayUrl, c.query, { ...(c.variables && { variables: c.variables }), headers });
      expect(codesOf(body)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(JSON.stringify(body.data)).toBe(JSON.stringify(JSON.parse(fast.text).data));
      expect((body.extensions as { execution?: string } | undefined)?.execution ?? 'general').toBe(c.path);
    });
  }

  it('makes the bench query\'s minimum of 3 calls, and a mutation still runs on the general executor', async () => {
    const fast = await calls(compiled, CASES[0]!.query);
    expect(fast.calls).toBe(3);
    const { body } = await gql(dev.gatewayUrl, 'mutation { deleteMovie(id: "1") { id } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect((body.extensions as { execution?: string }).execution).toBe('general');
  });
});

describe('compiled operations against a failing service', () => {
  let movies: FaultUpstream;
  let failingCompiled: Stack;
  let failingGeneral: Stack;
  beforeAll(async () => {
    movies = await startFaultUpstream({ kind: 'status', status: 503, body: { error: { message: 'down for maintenance' } } });
    const retry = { movies: { retry: { retries: 1, baseDelay: 0, maxDelay: 0 }, breaker: { volumeThreshold: 1000 } } };
    failingCompiled = await startStack({ moviesUrl: movies.url, serviceConfig: retry, config: { graphql: { compile: true, devExtensions: false } } });
    failingGeneral = await startStack({ usersUrl: failingCompiled.usersUrl, moviesUrl: movies.url, serviceConfig: retry, config: { graphql: { compile: false, devExtensions: false } } });
  });
  afterAll(async () => {
    await failingGeneral.close();
    await failingCompiled.close();
    await movies.close();
  });

  it('gives the same partial data and errors, and the replay repeats none of the failed calls', async () => {
    const query = '{ users(limit: 3) { id name favoriteMovies { title } } }';
    movies.requests.length = 0;
    const fast = await post(failingCompiled.gatewayUrl, query);
    const fastCalls = movies.requests.length;
    movies.requests.length = 0;
    const slow = await post(failingGeneral.gatewayUrl, query);
    expect(fast.text).toBe(slow.text);
    expect(JSON.parse(fast.text).errors[0].extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'movies' });
    // One batch call and its one retry, on both paths.
    expect(fastCalls).toBe(2);
    expect(movies.requests.length).toBe(2);
  });
});
