// Operation limits and the cost budget: every refusal is HTTP 400 with its own code, a message naming the
// limit and what was found, and zero REST calls counted at the services. Tiny limits here; the real
// defaults are exercised by the regression bombs at the end.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getIntrospectionQuery } from 'graphql';
import { createLogger } from '../../src/logger.ts';
import { codesOf, gql, type GqlResult } from '../harness/graphql-client.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

const TINY = {
  graphql: {
    limits: { depth: 4, aliases: 3, rootFields: 4, directives: 3, tokens: 300, fields: 40 },
    cost: { maxCalls: 5, maxItems: 500 },
  },
};

async function callsAt(stack: Stack): Promise<number> {
  const [users, movies] = await Promise.all([statsOf(stack.usersUrl), statsOf(stack.moviesUrl)]);
  return users.total + movies.total;
}

/** A refusal: HTTP 400 whatever the client accepts, one error with the code, no data. */
function expectRefused(res: GqlResult, code: string, message: RegExp): void {
  expect(res.status).toBe(400);
  expect(codesOf(res.body)).toEqual([code]);
  expect(res.body.errors?.[0]?.message).toMatch(message);
  expect(res.body.data).toBeUndefined();
}

describe('operation limits (tiny limits)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: TINY });
  });
  afterAll(() => stack.close());
  beforeEach(() => resetStats(stack.usersUrl, stack.moviesUrl));

  it('refuses an operation deeper than graphql.limits.depth, before any REST call', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 1) { favoriteMovies { director { favoriteMovies { id } } } } }');
    expectRefused(res, 'MAX_DEPTH_EXCEEDED', /^The operation nests fields 5 levels deep, over the limit of 4 \(graphql\.limits\.depth\)\.$/);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ limit: 4, found: 5 });
    expect(await callsAt(stack)).toBe(0);
  });

  it('counts depth through fragments and inline fragments', async () => {
    const query = `{ users(limit: 1) { ...U } }
      fragment U on User { favoriteMovies { ... on Movie { ...M } } }
      fragment M on Movie { director { favoriteMovies { id } } }`;
    const res = await gql(stack.gatewayUrl, query);
    expectRefused(res, 'MAX_DEPTH_EXCEEDED', /5 levels deep/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('lets an operation at the depth limit run; __typename adds no depth', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 1) { favoriteMovies { director { id __typename } } } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.users[0].favoriteMovies[0].director.__typename).toBe('User');
  });

  it('refuses more aliases than graphql.limits.aliases, counting those inside fragments', async () => {
    const res = await gql(stack.gatewayUrl, '{ a: user(id: "1") { id } b: user(id: "2") { id } ...F } fragment F on Query { c: user(id: "3") { id } d: user(id: "4") { id } }');
    expectRefused(res, 'MAX_ALIASES_EXCEEDED', /^The operation has 4 aliases, over the limit of 3 \(graphql\.limits\.aliases\)\.$/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('refuses more root fields than graphql.limits.rootFields', async () => {
    const res = await gql(stack.gatewayUrl, '{ user(id: "1") { id } movie(id: "1") { id } users(limit: 1) { id } movies(limit: 1) { id } __typename }');
    expectRefused(res, 'MAX_ROOT_FIELDS_EXCEEDED', /asks for 5 root fields, over the limit of 4 \(graphql\.limits\.rootFields\)/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('refuses more directives than graphql.limits.directives', async () => {
    const res = await gql(stack.gatewayUrl, '{ user(id: "1") @include(if: true) { id @include(if: true) name @skip(if: false) } movie(id: "1") @include(if: true) { id } }');
    expectRefused(res, 'MAX_DIRECTIVES_EXCEEDED', /uses 4 directives, over the limit of 3 \(graphql\.limits\.directives\)/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('refuses a document of more tokens than graphql.limits.tokens while parsing it', async () => {
    const res = await gql(stack.gatewayUrl, `{ users(limit: 1) { ${'id '.repeat(400)} } }`);
    expectRefused(res, 'MAX_TOKENS_EXCEEDED', /^The document has more than 300 tokens, over the limit \(graphql\.limits\.tokens\); it was refused while parsing\.$/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('refuses fragments that spread each other into more field selections than graphql.limits.fields', async () => {
    // Each fragment spreads the next twice: 2^6 selections of id from a document of a few lines.
    const fragments = Array.from({ length: 6 }, (_, i) => `fragment F${i} on User { ...F${i + 1} name ...F${i + 1} }`).join('\n');
    const res = await gql(stack.gatewayUrl, `{ user(id: "1") { ...F0 } } ${fragments} fragment F6 on User { id }`);
    expectRefused(res, 'MAX_FIELDS_EXCEEDED', /selects \d+ fields with its fragments expanded, over the limit of 40 \(graphql\.limits\.fields\)/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('reports every limit the operation is over, each with its code', async () => {
    const res = await gql(stack.gatewayUrl, '{ a: user(id: "1") { id } b: user(id: "2") { id } c: user(id: "3") { id } d: user(id: "4") { id } e: user(id: "5") { id } }');
    expect(res.status).toBe(400);
    expect(codesOf(res.body)).toEqual(['MAX_ALIASES_EXCEEDED', 'MAX_ROOT_FIELDS_EXCEEDED']);
    expect(await callsAt(stack)).toBe(0);
  });

  it('answers 400 even to a client that accepts application/graphql-response+json', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 1) { favoriteMovies { director { favoriteMovies { id } } } } }', { headers: { accept: 'application/graphql-response+json' } });
    expect(res.status).toBe(400);
    expect(codesOf(res.body)).toEqual(['MAX_DEPTH_EXCEEDED']);
  });
});

describe('the cost budget in REST calls (tiny budget)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ config: { graphql: { cost: { maxCalls: 3, maxItems: 500 } } } });
  });
  afterAll(() => stack.close());
  beforeEach(() => resetStats(stack.usersUrl, stack.moviesUrl));

  it('refuses an operation whose worst case is over graphql.cost.maxItems, with the estimate and the limit', async () => {
    // 100 users + 100 × 20 favorite movies (the SDL's @listSize(assumedSize: 20)) = 2,100 items.
    const res = await gql(stack.gatewayUrl, '{ users(limit: 100) { id favoriteMovies { id } } }');
    expectRefused(res, 'COST_LIMIT_EXCEEDED', /^The operation could return 2100 items, over the limit of 500 \(graphql\.cost\.maxItems\) in the worst case; ask for fewer or smaller lists\.$/);
    expect(res.body.errors?.[0]?.extensions).toMatchObject({ cost: { calls: 3, items: 2100 }, limit: { calls: 3, items: 500 } });
    expect(await callsAt(stack)).toBe(0);
  });

  it('reads the slicing argument from variables', async () => {
    const query = 'query ($n: Int) { users(limit: $n) { id favoriteMovies { id } } }';
    const refused = await gql(stack.gatewayUrl, query, { variables: { n: 100 } });
    expectRefused(refused, 'COST_LIMIT_EXCEEDED', /2100 items/);
    const allowed = await gql(stack.gatewayUrl, query, { variables: { n: 2 } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.users).toHaveLength(2);
  });

  it('counts a call for each plain @rest field, and refuses over graphql.cost.maxCalls', async () => {
    const query = '{ m1: movies(limit: 1) { id } m2: movies(limit: 1) { id } movies(limit: 1) { id } users(limit: 1) { id } }';
    const res = await gql(stack.gatewayUrl, query);
    expectRefused(res, 'COST_LIMIT_EXCEEDED', /could make 4 REST calls, over the limit of 3 \(graphql\.cost\.maxCalls\)/);
    expect(await callsAt(stack)).toBe(0);
  });

  it('merges fields as execution does: a field asked twice under one key costs once', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 20) { id favoriteMovies { id } } ...F } fragment F on Query { users(limit: 20) { name } }');
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
  });
});

describe('dev-mode cost extension', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('shows the estimate next to the REST calls actually made', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 50) { id name favoriteMovies { id title director { id name } } } }');
    expect(res.body.errors).toBeUndefined();
    const extensions = res.body.extensions!;
    expect(extensions.upstream?.calls).toBe(3);
    // 1 page of users, 50 × 20 favorites in one batch of up to 1,000, their directors in one more.
    expect(extensions.cost).toEqual({ estimated: { calls: 3, items: 2050 }, actual: { calls: 3 } });
  });

  it('runs the GraphiQL introspection query under the default limits (its nesting does not count in development)', async () => {
    const res = await gql(stack.gatewayUrl, getIntrospectionQuery());
    expect(res.status).toBe(200);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });
});

describe('warnOnly: a limit rolled out logs and lets the operation run', () => {
  let stack: Stack;
  const lines: string[] = [];
  beforeAll(async () => {
    stack = await startStack({
      config: { graphql: { limits: { depth: 2, warnOnly: ['depth'] }, cost: { maxItems: 5, warnOnly: true } } },
      logger: createLogger({ level: 'warn', write: (line) => lines.push(line) }),
    });
  });
  afterAll(() => stack.close());

  it('executes an operation over a warn-only limit and budget, and logs each', async () => {
    const res = await gql(stack.gatewayUrl, '{ users(limit: 2) { favoriteMovies { id } } }', { headers: { 'x-request-id': 'warn-only-1' } });
    expect(res.status).toBe(200);
    expect(res.body.data.users).toHaveLength(2);
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.requestId === 'warn-only-1');
    expect(logged).toEqual([
      expect.objectContaining({ level: 'warn', message: 'operation over a limit (warn only)', limit: 'depth', max: 2, found: 3 }),
      expect.objectContaining({ level: 'warn', message: 'operation over the cost budget (warn only)', cost: { calls: 2, items: 42 } }),
    ]);
  });

  it('still enforces the limits not listed in warnOnly', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: user(id: "1") { id }`).join(' ');
    const res = await gql(stack.gatewayUrl, `{ ${aliases} }`);
    expect(res.status).toBe(400);
    expect(codesOf(res.body)).toContain('MAX_ALIASES_EXCEEDED');
  });
});
