// Adding a service is one SDL file and one config entry: a reviews service that exists only in test/
// joins the schema from a config file, and its fields cross into users and movies both ways.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { createReviewsService } from '../fixtures/reviews-service/reviews-service.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { ROOT } from '../harness/start-stack.ts';

const servers = [createUsersService(), createMoviesService(), createReviewsService()];
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  const [users, movies, reviews] = await Promise.all(servers.map(listen));
  // The whole change: one more entry in the config file, pointing at the new service's SDL.
  const dir = mkdtempSync(join(tmpdir(), 'gateway-third-'));
  const file = join(dir, 'gateway.config.json');
  writeFileSync(file, JSON.stringify({
    port: 0,
    logLevel: 'silent',
    services: {
      users: { urls: [users], schema: resolve(ROOT, 'schema/users.graphql') },
      movies: { urls: [movies], schema: resolve(ROOT, 'schema/movies.graphql') },
      reviews: { urls: [reviews], schema: resolve(ROOT, 'test/fixtures/reviews-service/reviews.graphql') },
    },
  }));
  gateway = createGateway(loadConfig({ file, envFile: false, env: {}, overrides: { graphql: { compile: 'verify' } } }));
  url = await gateway.listen();
});
afterAll(async () => {
  await gateway.close();
  await Promise.all(servers.map(closeServer));
});

it('resolves fields that cross from the reviews service into movies and users', async () => {
  const { body } = await gql(url, '{ reviews { rating movie { id title } author { id name } } }');
  expect(body.errors).toBeUndefined();
  expect(body.data.reviews).toHaveLength(3);
  expect(body.data.reviews[0].movie.id).toBe('1');
  expect(body.data.reviews[0].movie.title).toMatch(/ 1$/);
  expect(body.data.reviews[0].author.id).toBe('2');
  expect(body.data.reviews[0].author.name).toMatch(/^\S+ \S+$/);
});

it('adds Movie.reviews to the movies service\'s Movie, reachable from users', async () => {
  const { body } = await gql(url, '{ movie(id: "1") { title reviews { rating text author { name favoriteMovies { id } } } } }');
  expect(body.errors).toBeUndefined();
  expect(body.data.movie.reviews.map((r: any) => r.rating)).toEqual([5, 3]);
  expect(body.data.movie.reviews[0].author.favoriteMovies.length).toBeGreaterThanOrEqual(3);
});

it('loads reviews by key through the new service\'s batch endpoint', async () => {
  const { body } = await gql(url, '{ a: review(id: "3") { text movie { id } } b: review(id: "1") { text } }');
  expect(body.data).toEqual({ a: { text: 'The score carries it.', movie: { id: '2' } }, b: { text: 'A quiet triumph.' } });
  expect(body.extensions?.upstream?.requests.filter((r) => r.service === 'reviews').map((r) => r.path)).toEqual(['/reviews?ids=3,1']);
});
