// Queries across the users and movies services through the gateway, checked against the services' own
// REST answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../harness/graphql-client.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { adminHeaders } from '../harness/test-tokens.ts';

// These tests exercise mutations and protected fields: they call as an admin with every write scope.
let admin: Record<string, string> = {};
beforeAll(async () => {
  admin = await adminHeaders();
});
const gqlAdmin: typeof gql = (url, query, options = {}) => gql(url, query, { ...options, headers: { ...admin, ...options.headers } });

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const rest = async (url: string): Promise<any> => (await fetch(url)).json();

describe('queries across services', () => {
  it('resolves User.favoriteMovies from the movies service, in the order of the user\'s favorites', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user(id: "1") { id name favoriteMovies { id title year genre } } }');
    expect(body.errors).toBeUndefined();
    const user = await rest(`${stack.usersUrl}/users/1`);
    const movies = await rest(`${stack.moviesUrl}/movies?ids=${user.favoriteMovieIds.join(',')}`);
    expect(body.data.user).toEqual({
      id: '1',
      name: user.name,
      favoriteMovies: movies.map((m: any) => ({ id: m.id, title: m.title, year: m.year, genre: m.genre })),
    });
  });

  it('resolves Movie.director from the users service', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movie(id: "42") { title director { id name email } } }');
    const movie = await rest(`${stack.moviesUrl}/movies/42`);
    const director = await rest(`${stack.usersUrl}/users/${movie.directorId}`);
    expect(body.data.movie).toEqual({ title: movie.title, director: { id: director.id, name: director.name, email: director.email } });
  });

  it('resolves User.directedMovies from the movies service, by the user\'s id', async () => {
    const movie = await rest(`${stack.moviesUrl}/movies/7`);
    const { body } = await gqlAdmin(stack.gatewayUrl, `{ user(id: "${movie.directorId}") { directedMovies { id director { id } } } }`);
    const expected = await rest(`${stack.moviesUrl}/movies?directorId=${movie.directorId}&limit=1000`);
    expect(body.data.user.directedMovies.map((m: any) => m.id)).toEqual(expected.map((m: any) => m.id));
    expect(body.data.user.directedMovies.map((m: any) => m.id)).toContain('7');
    for (const m of body.data.user.directedMovies) expect(m.director.id).toBe(movie.directorId);
  });

  it('pages users with limit and offset', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ first: users(limit: 3) { id } next: users(limit: 3, offset: 3) { id } }');
    expect(body.data.first.map((u: any) => u.id)).toEqual(['1', '2', '3']);
    expect(body.data.next.map((u: any) => u.id)).toEqual(['4', '5', '6']);
  });

  it('lists users with the default page size when no limit is given', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ users { id } }');
    expect(body.data.users).toHaveLength(20);
  });

  it('pages movies and filters them by director', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ movies(limit: 2, offset: 10) { id } byDirector: movies(directorId: "5", limit: 100) { id director { id } } }');
    expect(body.data.movies.map((m: any) => m.id)).toEqual(['11', '12']);
    expect(body.data.byDirector.length).toBeGreaterThan(0);
    for (const m of body.data.byDirector) expect(m.director.id).toBe('5');
  });

  it('crosses services three levels deep: users → favorite movies → directors → their movies', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ users(limit: 5) { id favoriteMovies { id director { id directedMovies { id } } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.users).toHaveLength(5);
    for (const user of body.data.users) {
      expect(user.favoriteMovies.length).toBeGreaterThanOrEqual(3);
      for (const movie of user.favoriteMovies) expect(movie.director.directedMovies.map((m: any) => m.id)).toContain(movie.id);
    }
  });

  it('hides the internal id lists from the public schema', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ user: __type(name: "User") { fields { name } } movie: __type(name: "Movie") { fields { name } } }');
    const userFields = body.data.user.fields.map((f: any) => f.name);
    const movieFields = body.data.movie.fields.map((f: any) => f.name);
    expect(userFields).toEqual(['id', 'name', 'email', 'favoriteMovies', 'directedMovies']);
    expect(movieFields).toEqual(['id', 'title', 'year', 'genre', 'director']);
    const denied = await gqlAdmin(stack.gatewayUrl, '{ user(id: "1") { favoriteMovieIds } }');
    expect(denied.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('keeps the REST directives and their helper types out of the public schema', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, '{ __schema { directives { name } types { name } } }');
    const directives = body.data.__schema.directives.map((d: any) => d.name);
    const types = body.data.__schema.types.map((t: any) => t.name);
    for (const name of ['rest', 'ref', 'entity', 'internal']) expect(directives).not.toContain(name);
    expect(types).not.toContain('RestMethod');
    expect(types).not.toContain('RestTemplate');
  });

  it('answers queries sent with GET (with a CSRF preflight header)', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql?query=${encodeURIComponent('{ user(id: "2") { id } }')}`, { headers: { accept: 'application/json', 'x-graphql-csrf': '1' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { user: { id: '2' } } });
  });
});
