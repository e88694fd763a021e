// How REST failures reach GraphQL clients: each status family maps to one extensions.code, messages
// name the service but never an internal URL or stack, and the healthy service's data still comes back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { adminHeaders } from '../harness/test-tokens.ts';

// These tests exercise mutations and protected fields: they call as an admin with every write scope.
let admin: Record<string, string> = {};
beforeAll(async () => {
  admin = await adminHeaders();
});
const gqlAdmin: typeof gql = (url, query, options = {}) => gql(url, query, { ...options, headers: { ...admin, ...options.headers } });

describe('errors from a healthy service', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('404 → null with NOT_FOUND, and the other fields still resolve', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "999999") { id } movie(id: "1") { id } }');
    expect(body.data).toEqual({ user: null, movie: { id: '1' } });
    expect(body.errors).toHaveLength(1);
    expect(body.errors?.[0]).toMatchObject({ path: ['user'], extensions: { code: 'NOT_FOUND', service: 'users' } });
  });

  it('404 on a REST call (DELETE of a missing user) → null with NOT_FOUND and the service\'s message', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, 'mutation { deleteUser(id: "999999") { id } }');
    expect(body.data).toEqual({ deleteUser: null });
    expect(body.errors?.[0]).toMatchObject({ message: 'user 999999 not found', extensions: { code: 'NOT_FOUND', service: 'users' } });
  });

  it('400 → BAD_USER_INPUT with the service\'s message and the field it names', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, 'mutation { createUser(input: { name: "X", email: "not-an-email" }) { id } }');
    expect(body.data).toEqual({ createUser: null });
    expect(body.errors?.[0]).toMatchObject({
      message: 'email: expected an email address',
      extensions: { code: 'BAD_USER_INPUT', service: 'users', field: 'email' },
    });
  });

  it('409 (an email already in use) → BAD_USER_INPUT', async () => {
    const taken = (await (await fetch(`${stack.usersUrl}/users/1`)).json()).email;
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { createUser(input: { name: "X", email: "${taken}" }) { id } }`);
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors?.[0]?.message).toContain('already in use');
  });

  it('400 from the movies service (a year out of range) → BAD_USER_INPUT naming the field', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, 'mutation { createMovie(input: { title: "T", year: 3000, directorId: "1" }) { id } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'year: must be between 1888 and 2100', extensions: { code: 'BAD_USER_INPUT', service: 'movies', field: 'year' } });
  });
});

describe('a failing movies service', () => {
  let stack: Stack;
  let movies: FaultUpstream;
  beforeAll(async () => {
    movies = await startFaultUpstream();
    stack = await startStack({ moviesUrl: movies.url, serviceConfig: { movies: { timeout: '300ms' } } });
  });
  afterAll(async () => {
    await stack.close();
    await movies.close();
  });

  const expectNoLeak = (text: string): void => {
    expect(text).not.toContain(movies.url);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain('/internal/db.js');
    expect(text).not.toMatch(/\bat .*:\d+:\d+/); // no stack frames
  };

  it('5xx → UPSTREAM_ERROR naming the service, with the users data alongside', async () => {
    movies.setMode({ kind: 'status', status: 500, body: { error: { message: 'boom at /internal/db.js:12' } } });
    const res = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ user(id: "1") { name favoriteMovies { title } } movies(limit: 2) { id } }' }),
    });
    const text = await res.text();
    const body = JSON.parse(text);
    expect(body.data.user.name).toBeTypeOf('string');
    expect(body.data.user.favoriteMovies).toBeNull();
    expect(body.data.movies).toBeNull();
    expect(codesOf(body)).toEqual(['UPSTREAM_ERROR', 'UPSTREAM_ERROR']);
    for (const e of body.errors) {
      expect(e.extensions.service).toBe('movies');
      expect(e.message).toBe('movies service failed (HTTP 500)');
    }
    expectNoLeak(text);
  });

  it('a reset connection → UPSTREAM_ERROR "movies service is unreachable"', async () => {
    movies.setMode({ kind: 'reset' });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "1") { name } movie(id: "1") { title } }');
    expect(body.data.user.name).toBeTypeOf('string');
    expect(body.data.movie).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ message: 'movies service is unreachable', extensions: { code: 'UPSTREAM_ERROR', service: 'movies' } });
    expectNoLeak(JSON.stringify(body));
  });

  it('a hung service → GATEWAY_TIMEOUT after the service\'s timeout, with the users data alongside', async () => {
    movies.setMode({ kind: 'hang' });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "2") { name } movies(limit: 1) { id } }');
    expect(body.data.user.name).toBeTypeOf('string');
    expect(body.data.movies).toBeNull();
    expect(body.errors?.[0]).toMatchObject({ message: 'movies service did not answer in time', extensions: { code: 'GATEWAY_TIMEOUT', service: 'movies' } });
  });

  it('an answer that is not JSON → UPSTREAM_ERROR', async () => {
    movies.setMode({ kind: 'text', status: 200, body: '<html>proxy error page</html>' });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }');
    expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'UPSTREAM_ERROR', service: 'movies' } });
    expectNoLeak(JSON.stringify(body));
  });

  it('a batch answer of the wrong length → UPSTREAM_ERROR, not wrong data', async () => {
    movies.setMode({ kind: 'status', status: 200, body: [{ id: '1', title: 'only one' }] });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "1") { favoriteMovies { title } } }');
    expect(body.data.user.favoriteMovies).toBeNull();
    expect(body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
  });

  it('a value of the wrong type from the service → a coded error for that field only', async () => {
    movies.setMode({ kind: 'status', status: 200, body: [{ id: '1', title: { nested: 'object' }, year: 'nineteen' }] });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id title year } }');
    expect(body.data.movies).toBeNull();
    expect(codesOf(body).length).toBeGreaterThanOrEqual(1);
    for (const e of body.errors ?? []) expect(e).toMatchObject({ path: ['movies', 0, expect.stringMatching(/^(title|year)$/)], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });

  it('403 → FORBIDDEN with the service\'s message (issue 12: the service refused this caller)', async () => {
    movies.setMode({ kind: 'status', status: 403, body: { error: { message: 'not your tenant' } } });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'not your tenant', extensions: { code: 'FORBIDDEN', service: 'movies' } });
  });

  it('an RFC 9457 problem+json answer → BAD_USER_INPUT with its detail, field and type', async () => {
    const problem = { type: 'https://movies.example/probs/year', title: 'Bad year', status: 422, detail: 'year must be after 1888', 'invalid-params': [{ name: 'year', reason: 'too early' }] };
    movies.setMode({ kind: 'text', status: 422, body: JSON.stringify(problem), contentType: 'application/problem+json' });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'year must be after 1888', extensions: { code: 'BAD_USER_INPUT', service: 'movies', field: 'year', serviceCode: 'https://movies.example/probs/year' } });
  });

  it('a 4xx the gateway does not expect (401, 418) → UPSTREAM_ERROR, the body not shown', async () => {
    movies.setMode({ kind: 'status', status: 401, body: { error: { message: 'internal policy xyz' } } });
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 1) { id } }');
    expect(body.errors?.[0]).toMatchObject({ message: 'movies service failed (HTTP 401)', extensions: { code: 'UPSTREAM_ERROR' } });
  });

  it('sends the request id on every upstream call', async () => {
    movies.setMode({ kind: 'status', status: 200, body: [] });
    movies.requests.length = 0;
    const res = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-abc-123' },
      body: JSON.stringify({ query: '{ movies(limit: 1) { id } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(movies.requests.map((r) => r.headers['x-request-id'])).toEqual(['trace-abc-123']);
  });
});

describe('an unreachable service', () => {
  it('a closed port → UPSTREAM_ERROR naming the service, other data alongside', async () => {
    const dead = await startFaultUpstream();
    const url = dead.url;
    await dead.close();
    const stack = await startStack({ moviesUrl: url });
    try {
      const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "3") { id } movie(id: "1") { id } }');
      expect(body.data).toEqual({ user: { id: '3' }, movie: null });
      expect(body.errors?.[0]).toMatchObject({ message: 'movies service is unreachable', extensions: { code: 'UPSTREAM_ERROR', service: 'movies' } });
    } finally {
      await stack.close();
    }
  });
});
