// Every mutation through the gateway, each followed by a read-back through GraphQL and at the service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codesOf, gql } from '../harness/graphql-client.ts';
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

const rest = async (url: string): Promise<{ status: number; body: any }> => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
};

describe('user mutations', () => {
  let id: string;

  it('createUser creates the user at the users service', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, 'mutation($input: CreateUserInput!) { createUser(input: $input) { id name email favoriteMovies { id } } }', {
      variables: { input: { name: 'Ada Example', email: 'ada@example.test', favoriteMovieIds: ['3', '4'] } },
    });
    expect(body.errors).toBeUndefined();
    id = body.data.createUser.id;
    expect(body.data.createUser).toEqual({ id, name: 'Ada Example', email: 'ada@example.test', favoriteMovies: [{ id: '3' }, { id: '4' }] });
    expect((await rest(`${stack.usersUrl}/users/${id}`)).body).toMatchObject({ name: 'Ada Example', favoriteMovieIds: ['3', '4'] });
  });

  it('updateUser changes only the fields given', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { updateUser(id: "${id}", input: { name: "Ada Renamed" }) { id name email } }`);
    expect(body.data.updateUser).toEqual({ id, name: 'Ada Renamed', email: 'ada@example.test' });
    const read = await gqlAdmin(stack.gatewayUrl, `{ user(id: "${id}") { name email } }`);
    expect(read.body.data.user).toEqual({ name: 'Ada Renamed', email: 'ada@example.test' });
  });

  it('addFavoriteMovie adds the movie, and reading the user back shows it', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { addFavoriteMovie(userId: "${id}", movieId: "9") { favoriteMovies { id title } } }`);
    expect(body.data.addFavoriteMovie.favoriteMovies.map((m: any) => m.id)).toEqual(['3', '4', '9']);
    expect(body.data.addFavoriteMovie.favoriteMovies[2].title).toBe((await rest(`${stack.moviesUrl}/movies/9`)).body.title);
    expect((await rest(`${stack.usersUrl}/users/${id}`)).body.favoriteMovieIds).toEqual(['3', '4', '9']);
  });

  it('removeFavoriteMovie removes it', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { removeFavoriteMovie(userId: "${id}", movieId: "3") { favoriteMovies { id } } }`);
    expect(body.data.removeFavoriteMovie.favoriteMovies).toEqual([{ id: '4' }, { id: '9' }]);
    const read = await gqlAdmin(stack.gatewayUrl, `{ user(id: "${id}") { favoriteMovies { id } } }`);
    expect(read.body.data.user.favoriteMovies).toEqual([{ id: '4' }, { id: '9' }]);
  });

  it('deleteUser deletes the user and returns it as it was', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { deleteUser(id: "${id}") { id name } }`);
    expect(body.data.deleteUser).toEqual({ id, name: 'Ada Renamed' });
    expect((await rest(`${stack.usersUrl}/users/${id}`)).status).toBe(404);
    const read = await gqlAdmin(stack.gatewayUrl, `{ user(id: "${id}") { id } }`);
    expect(read.body.data.user).toBeNull();
    expect(codesOf(read.body)).toEqual(['NOT_FOUND']);
  });
});

describe('movie mutations', () => {
  let id: string;

  it('createMovie creates the movie, and its director resolves from the users service', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Gateway Nights", year: 2026, genre: "Drama", directorId: "12" }) { id title year genre director { id name } } }');
    expect(body.errors).toBeUndefined();
    id = body.data.createMovie.id;
    const director = (await rest(`${stack.usersUrl}/users/12`)).body;
    expect(body.data.createMovie).toEqual({ id, title: 'Gateway Nights', year: 2026, genre: 'Drama', director: { id: '12', name: director.name } });
    expect((await rest(`${stack.moviesUrl}/movies/${id}`)).body).toMatchObject({ title: 'Gateway Nights', directorId: '12' });
    const directed = await gqlAdmin(stack.gatewayUrl, '{ user(id: "12") { directedMovies { id } } }');
    expect(directed.body.data.user.directedMovies.map((m: any) => m.id)).toContain(id);
  });

  it('updateMovie changes only the fields given, and can clear a nullable one', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { updateMovie(id: "${id}", input: { year: null, directorId: "13" }) { title year director { id } } }`);
    expect(body.data.updateMovie).toEqual({ title: 'Gateway Nights', year: null, director: { id: '13' } });
    const read = await gqlAdmin(stack.gatewayUrl, `{ movie(id: "${id}") { title year genre director { id } } }`);
    expect(read.body.data.movie).toEqual({ title: 'Gateway Nights', year: null, genre: 'Drama', director: { id: '13' } });
  });

  it('deleteMovie deletes it and returns it as it was', async () => {
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation { deleteMovie(id: "${id}") { id title } }`);
    expect(body.data.deleteMovie).toEqual({ id, title: 'Gateway Nights' });
    expect((await rest(`${stack.moviesUrl}/movies/${id}`)).status).toBe(404);
    const read = await gqlAdmin(stack.gatewayUrl, `{ movie(id: "${id}") { id } }`);
    expect(read.body.data.movie).toBeNull();
    expect(codesOf(read.body)).toEqual(['NOT_FOUND']);
  });

  it('reads after a write in the same operation see the write', async () => {
    const created = await gqlAdmin(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Before", directorId: "2" }) { id } }');
    const movieId = created.body.data.createMovie.id;
    const { body } = await gqlAdmin(stack.gatewayUrl, `mutation {
      before: updateMovie(id: "${movieId}", input: { title: "Middle" }) { title director { id } }
      after: updateMovie(id: "${movieId}", input: { title: "After" }) { title director { id } }
    }`);
    expect(body.data).toEqual({ before: { title: 'Middle', director: { id: '2' } }, after: { title: 'After', director: { id: '2' } } });
  });

  it('sends each mutation to the service exactly once', async () => {
    await fetch(`${stack.moviesUrl}/__stats/reset`, { method: 'POST' });
    await gqlAdmin(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Once", directorId: "1" }) { id } }');
    const stats = await (await fetch(`${stack.moviesUrl}/__stats`)).json();
    expect(stats.routes).toEqual({ 'POST /movies': 1 });
  });
});
