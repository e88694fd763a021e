// A service that speaks GraphQL joins the REST example services: a ratings service (graphql-yoga, in
// test/fixtures) shares the Movie entity with the movies service by its key. Queries cross REST →
// GraphQL → REST; the ratings service gets one request per level, counted at the service, and its
// requests go through the same upstream layer as REST calls (identity headers, request id, breaker).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRatingsService } from '../fixtures/ratings-service/ratings-service.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { ROOT, schemaFile, startStack, testConfig, type Stack } from '../harness/start-stack.ts';
import { bearer, testToken } from '../harness/test-tokens.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import type { GatewayConfig } from '../../src/config/config-schema.ts';
import { introspectGraphQLServices } from '../../src/remote/remote-schema.ts';
import { createLogger } from '../../src/logger.ts';

const ratings = createRatingsService();
let ratingsUrl: string;
let stack: Stack;
const RATINGS_SCHEMA = resolve(ROOT, 'test/fixtures/ratings-service/ratings.graphql');

beforeAll(async () => {
  ratingsUrl = await listen(ratings);
  // users.graphql as it is, plus a field on the ratings service's Rating type: a GraphQL type gains a REST field.
  const dir = mkdtempSync(join(tmpdir(), 'graphql-services-'));
  const usersSdl = join(dir, 'users.graphql');
  writeFileSync(usersSdl, `${readFileSync(schemaFile('users'), 'utf8')}\n# The reviewer of a rating (the ratings service's type), from the users service.\ntype Rating {\n  reviewerId: ID!\n  reviewer: User @ref(key: "{parent.reviewerId}")\n}\n`);
  stack = await startStack({
    serviceConfig: { users: { schema: usersSdl } },
    config: {
      services: {
        ratings: { graphql: { url: `${ratingsUrl}/graphql`, schema: RATINGS_SCHEMA, hide: ['Query.debug'] } },
      },
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await closeServer(ratings);
});
beforeEach(async () => {
  ratings.requests.length = 0;
  await resetStats(stack.usersUrl, stack.moviesUrl);
});

describe('a GraphQL service beside REST services', () => {
  it('answers its own root fields by delegation', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ topRatings(limit: 2) { id score } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.topRatings).toEqual([{ id: 'r2', score: 5 }, { id: 'r1', score: 4 }]);
    expect(ratings.requests.map((r) => r.fields)).toEqual([['topRatings']]);
  });

  it('adds its fields to a REST entity, looked up for every movie of a level in one request', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ movies(limit: 4) { id title rating ratings { score } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.movies.map((m: any) => m.rating)).toEqual([4.5, 3, 2, null]);
    expect(body.data.movies[0].ratings).toEqual([{ score: 4 }, { score: 5 }]);
    // Both fields (rating, ratings) of the level's movies in one lookup, one HTTP request.
    expect(ratings.requests.map((r) => r.fields)).toEqual([['moviesByIds']]);
  });

  it('looks up each place in the operation once, the places of one level in one HTTP request', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ a: movies(limit: 2) { id rating } b: movies(limit: 3) { id rating ratings { score } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.a.map((m: any) => m.rating)).toEqual([4.5, 3]);
    expect(body.data.b[0].ratings).toEqual([{ score: 4 }, { score: 5 }]);
    expect(ratings.requests.map((r) => r.fields)).toEqual([['moviesByIds', 'moviesByIds']]);
  });

  it('splits a level\'s keys by the service\'s maxBatchSize, the parts still in one HTTP request', async () => {
    const small = await startStack({ usersUrl: stack.usersUrl, moviesUrl: stack.moviesUrl, config: { services: { ratings: { graphql: { url: `${ratingsUrl}/graphql`, schema: RATINGS_SCHEMA }, maxBatchSize: 2 } } } });
    try {
      ratings.requests.length = 0;
      const { body } = await gql(small.gatewayUrl, '{ movies(limit: 5) { rating } }');
      expect(body.data.movies.map((m: any) => m.rating)).toEqual([4.5, 3, 2, null, null]);
      expect(ratings.requests).toHaveLength(1);
      expect(ratings.requests[0]!.fields).toEqual(['moviesByIds', 'moviesByIds', 'moviesByIds']); // 2 + 2 + 1 keys
    } finally {
      await small.close();
    }
  });

  it('makes one request per level however deep the query goes into the service', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ movies(limit: 3) { rating ratings { score movie { rating ratings { id } } } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.movies[0].ratings[0].movie.ratings).toEqual([{ id: 'r1' }, { id: 'r2' }]);
    // Everything below the lookup came in its answer.
    expect(ratings.requests).toHaveLength(1);
  });

  it('crosses REST → GraphQL → REST, completing the movies it answers from the movies service', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ movie(id: "1") { title ratings { score movie { id title director { name } } } } }');
    expect(body.errors).toBeUndefined();
    const movie = body.data.movie;
    expect(movie.ratings).toHaveLength(2);
    expect(movie.ratings[0].movie.title).toBe(movie.title);
    expect(movie.ratings[0].movie.director.name).toMatch(/\S/);
    expect(ratings.requests.map((r) => r.fields)).toEqual([['moviesByIds']]);
    expect((await statsOf(stack.moviesUrl)).routes).toEqual({ 'GET /movies?ids': 1 });
  });

  it('passes on the service\'s own errors at their paths, each naming the service, beside the rest of the data', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ movie(id: "1") { title } broken topRatings(limit: 1) { score } }');
    expect(body.data).toEqual({ movie: { title: expect.any(String) }, broken: null, topRatings: [{ score: 5 }] });
    expect(body.errors).toEqual([expect.objectContaining({ message: 'the ratings store is read-only today', path: ['broken'], extensions: expect.objectContaining({ code: 'RATINGS_READ_ONLY', service: 'ratings' }) })]);
  });

  it('keeps the service\'s own unions: each item is the type the service says', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ feed { __typename ... on Rating { score movie { title } } ... on Critic { name } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.feed).toEqual([{ __typename: 'Rating', score: 2, movie: { title: expect.any(String) } }, { __typename: 'Critic', name: 'Ada' }]);
  });

  it('gives a GraphQL type a REST field, reading its key from the delegated answer', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ topRatings(limit: 3) { score reviewer { id name } movie { title } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.topRatings.map((r: any) => r.reviewer.id)).toEqual(['3', '2', '2']);
    expect((await statsOf(stack.usersUrl)).routes).toEqual({ 'GET /users?ids': 1 });
    expect((await statsOf(stack.moviesUrl)).routes).toEqual({ 'GET /movies?ids': 1 });
  });
});

describe('the REST fast path', () => {
  it('still compiles queries that stay on REST services, Movie included, and runs the others on the general executor', async () => {
    const rest = await gql(stack.gatewayUrl, '{ movies(limit: 2) { id title director { name } } }');
    expect(rest.body.extensions).toMatchObject({ execution: 'compiled' });
    expect(ratings.requests).toHaveLength(0);
    const joined = await gql(stack.gatewayUrl, '{ movies(limit: 2) { id title rating } }');
    expect(joined.body.errors).toBeUndefined();
    expect(joined.body.extensions?.execution).not.toBe('compiled');
  });
});

describe('its requests go through the upstream layer', () => {
  it('carry the caller\'s identity headers and the request id, as GETs for queries', async () => {
    const token = await testToken({ sub: '7', scope: 'movies:write' });
    const { body, headers } = await gql(stack.gatewayUrl, '{ topRatings(limit: 1) { id } }', { headers: { authorization: `Bearer ${token}` } });
    expect(body.errors).toBeUndefined();
    const [sent] = ratings.requests;
    expect(sent!.method).toBe('GET');
    expect(sent!.headers['x-user-id']).toBe('7');
    expect(sent!.headers['x-user-scopes']).toBe('movies:write');
    expect(sent!.headers['x-request-id']).toBe(headers.get('x-request-id'));
    expect(sent!.headers.authorization).toBeUndefined(); // the token itself stays at the gateway
  });

  it('sends a mutation as one POST', async () => {
    const { body } = await gql(stack.gatewayUrl, 'mutation { rate(movieId: "4", score: 1, reviewerId: "2") { id score movie { id title } } }', { headers: await bearer('2') });
    expect(body.errors).toBeUndefined();
    expect(body.data.rate.movie.title).toBeTruthy();
    expect(ratings.requests.map((r) => [r.method, r.operation, r.fields])).toEqual([['POST', 'mutation', ['rate']]]);
    ratings.rows.pop();
  });

  it('checks its access rules before anything is sent: mutations need a caller by default, queries what the configuration says', async () => {
    const anonymous = await gql(stack.gatewayUrl, 'mutation { rate(movieId: "4", score: 1, reviewerId: "2") { id } }');
    expect(anonymous.body.data).toBeNull();
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const guarded = await startStack({ usersUrl: stack.usersUrl, moviesUrl: stack.moviesUrl, config: { services: { ratings: { graphql: { url: `${ratingsUrl}/graphql`, schema: RATINGS_SCHEMA, access: { Query: { scopes: [['ratings:read']] } } } } } } });
    try {
      const without = await gql(guarded.gatewayUrl, '{ rating(id: "r1") { score } movie(id: "1") { title } }', { headers: await bearer('2') });
      expect(without.body.data).toEqual({ rating: null, movie: { title: expect.any(String) } });
      expect(without.body.errors?.[0]).toMatchObject({ path: ['rating'], extensions: { code: 'FORBIDDEN' } });
      const withScope = await gql(guarded.gatewayUrl, '{ rating(id: "r1") { score } }', { headers: await bearer('2', 'ratings:read') });
      expect(withScope.body.data).toEqual({ rating: { score: 4 } });
    } finally {
      await guarded.close();
    }
    expect(ratings.requests).toHaveLength(1); // only the one allowed
  });

  it('hides what the configuration hides', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ debug }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(ratings.requests).toHaveLength(0);
  });

  it('counts a delegated request as one REST call in the cost estimate, and refuses before any call past the budget', async () => {
    const dev = await gql(stack.gatewayUrl, '{ topRatings { score } }');
    expect(dev.body.extensions?.cost?.estimated.calls).toBe(1);
    const joined = await gql(stack.gatewayUrl, '{ movies(limit: 5) { rating } }');
    expect(joined.body.extensions?.cost?.estimated.calls).toBe(2); // the page, then one lookup for the level
    ratings.requests.length = 0;
    const tight = await startStack({ usersUrl: stack.usersUrl, moviesUrl: stack.moviesUrl, config: { graphql: { cost: { maxCalls: 1 } }, services: { ratings: { graphql: { url: `${ratingsUrl}/graphql`, schema: RATINGS_SCHEMA } } } } });
    try {
      const refused = await gql(tight.gatewayUrl, '{ movies(limit: 5) { rating } }');
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('COST_LIMIT_EXCEEDED');
      expect(ratings.requests).toHaveLength(0);
    } finally {
      await tight.close();
    }
  });
});

describe('its calls in the log', () => {
  it('are one line each, with a long GET target cut (the dev extensions keep it whole)', async () => {
    const lines: string[] = [];
    const logged = await startStack({ usersUrl: stack.usersUrl, moviesUrl: stack.moviesUrl, logger: createLogger({ level: 'info', write: (line) => lines.push(line) }), config: { services: { ratings: { graphql: { url: `${ratingsUrl}/graphql`, schema: RATINGS_SCHEMA } } } } });
    try {
      const id = 'x'.repeat(600);
      const { body } = await gql(logged.gatewayUrl, `{ rating(id: "${id}") { score } }`);
      expect(body.data).toEqual({ rating: null });
      const call = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'upstream call' && l.service === 'ratings');
      expect(call.path).toHaveLength(513);
      expect(call.path.endsWith('…')).toBe(true);
      expect(body.extensions?.upstream?.requests[0]?.path.length).toBeGreaterThan(600);
    } finally {
      await logged.close();
    }
  });
});

describe('when the GraphQL service fails', () => {
  let fault: FaultUpstream;
  let faulty: Stack;
  // The ratings service behind a fault upstream; each gateway has its own breaker.
  const startFaulty = (url: string): Promise<Stack> =>
    startStack({
      usersUrl: stack.usersUrl,
      moviesUrl: stack.moviesUrl,
      config: { services: { ratings: { graphql: { url: `${url}/graphql`, schema: RATINGS_SCHEMA }, retry: { retries: 1, baseDelay: '1ms' }, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, window: '60s', buckets: 6, resetTimeout: '60s' } } } },
    });
  beforeAll(async () => {
    fault = await startFaultUpstream({ kind: 'proxy', to: ratingsUrl });
    faulty = await startFaulty(fault.url);
  });
  afterAll(async () => {
    await faulty?.close();
    await fault?.close();
  });

  it('retries a query (a GET) once after a 503, and answers', async () => {
    fault.setMode({ kind: 'sequence', modes: [{ kind: 'status', status: 503, body: {} }, { kind: 'proxy', to: ratingsUrl }] });
    fault.requests.length = 0;
    const { body } = await gql(faulty.gatewayUrl, '{ topRatings(limit: 1) { score } }');
    expect(body.errors).toBeUndefined();
    expect(fault.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('never sends a mutation twice', async () => {
    fault.setMode({ kind: 'status', status: 503, body: {} });
    fault.requests.length = 0;
    const { body } = await gql(faulty.gatewayUrl, 'mutation { rate(movieId: "1", score: 3, reviewerId: "2") { id } }', { headers: await bearer('2') });
    expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'ratings' });
    expect(fault.requests.map((r) => r.method)).toEqual(['POST']);
  });

  it('times out a service that does not answer, within the service\'s timeout, with the REST data intact', async () => {
    const hung = await startFaultUpstream({ kind: 'hang' });
    const slow = await startStack({ usersUrl: stack.usersUrl, moviesUrl: stack.moviesUrl, config: { services: { ratings: { graphql: { url: `${hung.url}/graphql`, schema: RATINGS_SCHEMA }, timeout: '300ms', retry: { retries: 0 } } } } });
    try {
      const { body } = await gql(slow.gatewayUrl, '{ movie(id: "1") { title rating } }');
      expect(body.data.movie).toEqual({ title: expect.any(String), rating: null });
      expect(body.errors?.[0]).toMatchObject({ path: ['movie', 'rating'], extensions: { code: 'GATEWAY_TIMEOUT', service: 'ratings' } });
      expect(hung.requests).toHaveLength(1);
    } finally {
      await slow.close();
      await hung.close();
    }
  });

  it('gives the REST data with a coded error naming the service for its fields, then opens its breaker and fails fast', async () => {
    const down = await startFaultUpstream({ kind: 'status', status: 500, body: { message: 'database down' } });
    const broken = await startFaulty(down.url);
    try {
      const { body } = await gql(broken.gatewayUrl, '{ movie(id: "2") { title rating } }');
      expect(body.data.movie.title).toBeTruthy();
      expect(body.data.movie.rating).toBeNull();
      expect(body.errors?.[0]).toMatchObject({ path: ['movie', 'rating'], extensions: { code: 'UPSTREAM_ERROR', service: 'ratings' } });
      const instance = broken.gateway.upstream.service('ratings')!.instances[0]!;
      for (let i = 0; i < 4 && instance.state !== 'open'; i++) await gql(broken.gatewayUrl, '{ topRatings { score } }');
      expect(instance.state).toBe('open');
      down.requests.length = 0;
      const fast = await gql(broken.gatewayUrl, '{ movie(id: "2") { title rating } rating(id: "r1") { score } }');
      expect(fast.body.data).toEqual({ movie: { title: body.data.movie.title, rating: null }, rating: null });
      expect(fast.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE', 'SERVICE_UNAVAILABLE']);
      expect(down.requests).toHaveLength(0);
    } finally {
      await broken.close();
      await down.close();
    }
  });
});

describe('a GraphQL service without a schema file', () => {
  /** A gateway over the example services and the ratings service introspected, with `graphql` config added. */
  const withIntrospected = async (graphql: Record<string, unknown>, run: (gateway: Gateway, url: string, config: GatewayConfig) => Promise<void>): Promise<void> => {
    const config = testConfig({
      movies: { urls: [stack.moviesUrl], schema: schemaFile('movies') },
      users: { urls: [stack.usersUrl], schema: schemaFile('users') },
      ratings: { graphql: { url: `${ratingsUrl}/graphql`, ...graphql } },
    });
    const gateway = createGateway(config, { remoteSchemas: await introspectGraphQLServices(config) });
    try {
      await run(gateway, await gateway.listen(), config);
    } finally {
      await gateway.close();
    }
  };

  it('is introspected at start-up, with names renamed by configuration', () =>
    withIntrospected({ rename: { 'Query.topRatings': 'bestRatings', Rating: 'MovieRating' } }, async (gateway, url) => {
      const { body } = await gql(url, '{ bestRatings(limit: 1) { __typename score movie { title } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.bestRatings).toEqual([{ __typename: 'MovieRating', score: 5, movie: { title: expect.any(String) } }]);
      expect(gateway.schema.getQueryType()!.getFields().topRatings).toBeUndefined();
    }));

  it('looks entities up through _entities when the service is a federation subgraph, which stays out of the gateway\'s schema', () =>
    withIntrospected({}, async (gateway, url) => {
      ratings.requests.length = 0;
      const { body } = await gql(url, '{ movies(limit: 4) { id rating ratings { score } } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.movies.map((m: any) => m.rating)).toEqual([4.5, 3, 2, null]);
      expect(ratings.requests.map((r) => r.fields)).toEqual([['_entities']]);
      expect(gateway.schema.getQueryType()!.getFields()._entities).toBeUndefined();
      expect(gateway.schema.getType('_Any')).toBeUndefined();
      const refused = await gql(url, '{ _service { sdl } }');
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }));

  it('keeps serving on a reload that brings no new introspection (the last one stands)', () =>
    withIntrospected({}, async (gateway, url, config) => {
      gateway.reload(config);
      const { body } = await gql(url, '{ movie(id: "1") { title rating } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.movie.rating).toBe(4.5);
    }));

  it('is a clear start-up error when neither a file nor introspection gives its schema', async () => {
    const config = testConfig({ movies: { urls: [stack.moviesUrl], schema: schemaFile('movies') }, users: { urls: [stack.usersUrl], schema: schemaFile('users') }, ratings: { graphql: { url: 'http://127.0.0.1:9/graphql' } } });
    expect(() => createGateway(config)).toThrow(/services\.ratings: a GraphQL service without graphql\.schema is introspected/);
    await expect(introspectGraphQLServices(config)).rejects.toThrow(/services\.ratings: cannot introspect http:\/\/127\.0\.0\.1:9\/graphql/);
  });
});

describe('start-up errors that name the fix', () => {
  const sdl = (text: string): string => {
    const file = join(mkdtempSync(join(tmpdir(), 'graphql-services-bad-')), 'remote.graphql');
    writeFileSync(file, text);
    return file;
  };
  const build = (remote: Record<string, unknown>) =>
    createGateway(testConfig({ movies: { urls: ['http://127.0.0.1:9'], schema: schemaFile('movies') }, users: { urls: ['http://127.0.0.1:9'], schema: schemaFile('users') }, remote: { graphql: { url: 'http://127.0.0.1:9/graphql', ...remote } } }));

  it('a root field both sides declare', () => {
    expect(() => build({ schema: sdl('type Query { movie(id: ID!): String }') })).toThrow(/Query\.movie is declared by both schema\/movies\.graphql and the GraphQL service remote: rename one \(services\.remote\.graphql\.rename: \{ "Query\.movie": "…" \}\) or hide it/);
  });

  it('a REST entity the service has without its key, or adds fields to with no lookup', () => {
    expect(() => build({ schema: sdl('type Query { x: Movie }\ntype Movie { title: String }') })).toThrow(/Movie is an entity of movies keyed by id, and the GraphQL service remote has the type without that field/);
    expect(() => build({ schema: sdl('type Query { x: Movie }\ntype Movie { id: ID! stars: Int }') })).toThrow(/the GraphQL service remote adds Movie\.stars to movies's entity, and has no lookup of Movie by id: set services\.remote\.graphql\.entities\.Movie/);
    expect(() => build({ schema: sdl('type Query { x: Movie find(ids: [ID!]!): [Movie] }\ntype Movie { id: ID! stars: Int }'), entities: { Movie: { field: 'search', argument: 'ids' } } })).toThrow(/services\.remote\.graphql\.entities\.Movie: the service has no Query\.search/);
    // Found without configuration: a Query field taking one list of keys and answering a list of the type.
    expect(() => build({ schema: sdl('type Query { x: Movie find(ids: [ID!]!): [Movie] }\ntype Movie { id: ID! stars: Int }') })).not.toThrow();
  });

  it('a rename or hide of a name the service does not have', () => {
    expect(() => build({ schema: sdl('type Query { top: Int }'), hide: ['Query.bottom'] })).toThrow('services.remote.graphql.hide: Query.bottom is not in the service\'s schema');
  });

  it('a schema file that does not parse, at its line and column', () => {
    expect(() => build({ schema: sdl('type Query {\n  top: \n}') })).toThrow(/remote\.graphql:3:1: Syntax Error/);
  });
});
