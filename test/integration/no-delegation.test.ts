// The stitched schema resolves with no run-time delegation: every field runs either a resolver generated
// from the SDL or graphql-js's default property read, and a cross-service query makes only the REST
// calls its loaders batch, counted at the services.
import { isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_RESOLVERS } from '../../src/resolvers/resolver-context.ts';
import { gql } from '../harness/graphql-client.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe('a schema stitched at build time', () => {
  it('has no subschema to delegate to, and no merged type with a resolver that would delegate', () => {
    type Merged = { resolvers: Map<unknown, unknown>; targetSubschemas: Map<unknown, unknown> };
    const info = stack.gateway.schema.extensions.stitchingInfo as { subschemaMap: Map<unknown, unknown>; mergedTypes: Record<string, Merged> };
    expect(info.subschemaMap.size).toBe(0);
    expect(Object.keys(info.mergedTypes).sort()).toEqual(['Movie', 'Mutation', 'Query', 'User']);
    for (const merged of Object.values(info.mergedTypes)) {
      expect(merged.resolvers.size).toBe(0);
      expect(merged.targetSubschemas.size).toBe(0);
    }
  });

  it('runs only generated resolvers or the default property read on every field', () => {
    const seen: Record<string, string> = {};
    for (const type of Object.values(stack.gateway.schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const resolve = field.resolve as ((...a: never[]) => unknown) | undefined;
        seen[`${type.name}.${field.name}`] = resolve === undefined ? 'default' : GENERATED_RESOLVERS.has(resolve) ? 'generated' : 'other';
      }
    }
    expect(Object.values(seen)).not.toContain('other');
    expect(seen).toMatchObject({
      'Query.users': 'generated',
      'User.favoriteMovies': 'generated',
      'Movie.director': 'generated',
      'User.name': 'default',
      'Movie.title': 'default',
    });
  });
});

describe('REST calls per query', () => {
  it('users → favorite movies → directors takes exactly 3 REST calls, one per level', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    const { body } = await gql(stack.gatewayUrl, '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.users).toHaveLength(50);
    const [users, movies] = await Promise.all([statsOf(stack.usersUrl), statsOf(stack.moviesUrl)]);
    expect(users.routes).toEqual({ 'GET /users': 1, 'GET /users?ids': 1 });
    expect(movies.routes).toEqual({ 'GET /movies?ids': 1 });
    // The same three calls, in resolution order, as the dev-mode extension reports them.
    expect(body.extensions?.upstream?.calls).toBe(3);
    expect(body.extensions?.upstream?.requests.map((r) => `${r.service} ${r.method} ${r.path.replace(/ids=.*/, 'ids=…')}`)).toEqual([
      'users GET /users?limit=50&offset=0',
      'movies GET /movies?ids=…',
      'users GET /users?ids=…',
    ]);
  });

  it('looks up the same user once, however many fields ask for it', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    await gql(stack.gatewayUrl, '{ a: user(id: "5") { id } b: user(id: "5") { name } c: user(id: "6") { id } }');
    const users = await statsOf(stack.usersUrl);
    expect(users.routes).toEqual({ 'GET /users?ids': 1 });
  });

  it('makes an identical GET once per operation', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    await gql(stack.gatewayUrl, '{ a: movies(limit: 3) { id } b: movies(limit: 3) { title } }');
    expect((await statsOf(stack.moviesUrl)).routes).toEqual({ 'GET /movies': 1 });
  });

  it('shares nothing across requests', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    await gql(stack.gatewayUrl, '{ user(id: "7") { id } }');
    await gql(stack.gatewayUrl, '{ user(id: "7") { id } }');
    expect((await statsOf(stack.usersUrl)).routes).toEqual({ 'GET /users?ids': 2 });
  });
});
