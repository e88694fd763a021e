// The example services publish their OpenAPI documents; importing them gives SDL files the gateway
// accepts as they are, and a gateway over those files answers the same queries as one over the
// hand-written schema/users.graphql and schema/movies.graphql (for the fields both have), with the same
// REST calls counted at the services.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import { importOpenApi, type ImportResult } from '../../src/openapi/import-openapi.ts';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { ROOT, startStack, testConfig, type Stack } from '../harness/start-stack.ts';

const users = createUsersService();
const movies = createMoviesService();
let usersUrl: string;
let moviesUrl: string;
let handWritten: Stack;
let imported: Gateway;
let importedUrl: string;
const results: Record<string, ImportResult> = {};

beforeAll(async () => {
  usersUrl = await listen(users);
  moviesUrl = await listen(movies);
  const dir = mkdtempSync(join(tmpdir(), 'openapi-import-'));
  for (const [name, url] of [['users', usersUrl], ['movies', moviesUrl]] as const) {
    results[name] = await importOpenApi({ source: `${url}/openapi.json`, service: name, out: join(dir, `${name}.graphql`) });
  }
  handWritten = await startStack({ usersUrl, moviesUrl });
  imported = createGateway(testConfig({
    users: { urls: [usersUrl], schema: results.users!.out, maxBatchSize: 1000 },
    movies: { urls: [moviesUrl], schema: results.movies!.out, maxBatchSize: 1000 },
  }));
  importedUrl = await imported.listen();
});
afterAll(async () => {
  await imported?.close();
  await handWritten?.close();
  await closeServer(users);
  await closeServer(movies);
});

describe('GET /openapi.json', () => {
  it('is served by both example services as a JSON OpenAPI document', async () => {
    for (const url of [usersUrl, moviesUrl]) {
      const res = await fetch(`${url}/openapi.json`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await res.json()).openapi).toMatch(/^3\.[01]\./);
    }
  });
});

describe('the imported SDL', () => {
  it('maps every operation of both documents, with User and Movie as batched entities', () => {
    expect(results.users).toMatchObject({ skipped: [], warnings: [], entities: ['User'], queries: 2, mutations: 5 });
    expect(results.movies).toMatchObject({ skipped: [], warnings: [], entities: ['Movie'], queries: 2, mutations: 3 });
    const sdl = readFileSync(results.users!.out, 'utf8');
    expect(sdl).toContain('type User @entity(key: "id", batchPath: "/users", batchParam: "ids", match: KEY)');
    expect(sdl).toContain('user(id: ID!): User @ref(key: "{args.id}")');
    expect(readFileSync(results.movies!.out, 'utf8')).toContain('batchParam: "ids"'); // not directorIds
  });

  const both = async (query: string) => {
    await resetStats(usersUrl, moviesUrl);
    const a = await gql(handWritten.gatewayUrl, query);
    const aCalls = [(await statsOf(usersUrl)).routes, (await statsOf(moviesUrl)).routes];
    await resetStats(usersUrl, moviesUrl);
    const b = await gql(importedUrl, query);
    const bCalls = [(await statsOf(usersUrl)).routes, (await statsOf(moviesUrl)).routes];
    // The answers without the development extensions (timings differ run to run).
    const answer = ({ data, errors }: typeof a.body) => ({ data, errors });
    return { handWritten: answer(a.body), imported: answer(b.body), aCalls, bCalls };
  };

  it('answers user lookups and pages as the hand-written schema does, with the same calls (lookups batched)', async () => {
    const r = await both('{ a: user(id: "1") { id name } b: user(id: "2") { id name } users(limit: 3, offset: 1) { id name } }');
    expect(r.handWritten.errors).toBeUndefined();
    expect(r.imported).toEqual(r.handWritten);
    expect(r.bCalls).toEqual(r.aCalls);
    expect(r.bCalls[0]).toEqual({ 'GET /users?ids': 1, 'GET /users': 1 });
  });

  it('answers movie lookups and a director\'s page the same way', async () => {
    const r = await both('{ movie(id: "3") { id title year genre } movies(limit: 2, directorId: "2") { id title year } more: movies(limit: 2, offset: 4) { id genre } }');
    expect(r.handWritten.errors).toBeUndefined();
    expect(r.imported).toEqual(r.handWritten);
    expect(r.bCalls).toEqual(r.aCalls);
  });

  it('sizes the lists by their page-size argument (@listSize), so the cost estimate is the hand-written one\'s', async () => {
    const query = '{ users(limit: 3) { id name } movies(limit: 4, offset: 2) { id title } user(id: "1") { name } }';
    const a = await gql(handWritten.gatewayUrl, query);
    const b = await gql(importedUrl, query);
    expect(b.body.extensions?.cost?.estimated).toEqual(a.body.extensions?.cost?.estimated);
    expect(b.body.extensions?.cost?.estimated).toEqual({ calls: 3, items: 8 });
    expect(readFileSync(results.users!.out, 'utf8')).toContain('ids: "{args.ids}" }) @listSize(slicingArguments: ["limit"])');
  });

  it('gives a missing record null with NOT_FOUND, as the hand-written schema does', async () => {
    const r = await both('{ user(id: "999999") { id name } }');
    expect(r.imported.data).toEqual({ user: null });
    expect(r.imported.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(r.imported.errors?.[0]?.extensions?.code).toBe(r.handWritten.errors?.[0]?.extensions?.code);
  });

  it('sends a mutation\'s input as the JSON body its operation declares', async () => {
    const created = await gql(importedUrl, 'mutation { createMovie(input: { title: "Imported", year: 2001, directorId: "3" }) { id title year directorId } }');
    expect(created.body.errors).toBeUndefined();
    const { id } = created.body.data.createMovie;
    expect(created.body.data.createMovie).toEqual({ id, title: 'Imported', year: 2001, directorId: '3' });
    // The hand-written schema reads the same record.
    const read = await gql(handWritten.gatewayUrl, `{ movie(id: "${id}") { title year director { id } } }`);
    expect(read.body.data.movie).toEqual({ title: 'Imported', year: 2001, director: { id: '3' } });
    const removed = await gql(importedUrl, `mutation { deleteMovie(id: "${id}") { id } }`);
    expect(removed.body.data.deleteMovie).toEqual({ id });
  });
});

describe('a Swagger 2 service', () => {
  // A pets service as petstore-swagger2.json describes it: GET /pets (?ids=1&ids=2, repeated), POST /pets.
  const pets = [{ id: 1, name: 'Rex', status: 'sold' }, { id: 2, name: 'Tom', status: 'available' }, { id: 3, name: 'Kit' }];
  const calls: Array<{ url: string; tenant: string | undefined }> = [];
  const server = createServer((req, res) => {
    calls.push({ url: req.url!, tenant: req.headers['x-tenant'] as string | undefined });
    const url = new URL(req.url!, 'http://pets.local');
    const ids = url.searchParams.getAll('ids').map(Number);
    const list = ids.length > 0 ? pets.filter((p) => ids.includes(p.id)).reverse() : pets.slice(0, Number(url.searchParams.get('limit') ?? 20));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
  });
  let gateway: Gateway;
  let url: string;
  beforeAll(async () => {
    const petsUrl = await listen(server);
    const out = join(mkdtempSync(join(tmpdir(), 'openapi-pets-')), 'pets.graphql');
    await importOpenApi({ source: join(ROOT, 'test/fixtures/openapi/petstore-swagger2.json'), service: 'pets', out });
    gateway = createGateway(testConfig({ pets: { urls: [petsUrl], schema: out } }));
    url = await gateway.listen();
  });
  afterAll(async () => {
    await gateway?.close();
    await closeServer(server);
  });

  it('loads lookups in one call with repeated ids, matched by key in any order, and sends header arguments', async () => {
    calls.length = 0;
    const { body } = await gql(url, '{ a: getPetById(petId: "1") { name } b: getPetById(petId: "3") { name } none: getPetById(petId: "9") { name } }');
    expect(body.data).toEqual({ a: { name: 'Rex' }, b: { name: 'Kit' }, none: null });
    expect(calls.map((c) => c.url)).toEqual(['/pets?ids=1&ids=3&ids=9']);
    calls.length = 0;
    const page = await gql(url, '{ listPets(limit: 2, xTenant: "acme") { id name status } }');
    expect(page.body.data.listPets).toEqual([{ id: '1', name: 'Rex', status: 'sold' }, { id: '2', name: 'Tom', status: 'available' }]);
    expect(calls).toEqual([{ url: '/pets?limit=2', tenant: 'acme' }]);
  });
});
