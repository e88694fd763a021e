// The attacks that took the gateway down, under the real default limits: each is refused with its code
// and no REST call while the gateway keeps answering other requests; and no exception raised while
// executing one operation ends the process (abstract types without __typename, a throwing resolver).
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GraphQLObjectType } from 'graphql';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

const SMALL_QUERY = '{ user(id: "1") { id name } }';

/** favoriteMovies { director { favoriteMovies { director { … } } } }, `levels` fields deep below users. */
function nested(levels: number): string {
  let inner = 'id';
  for (let i = 0; i < levels; i++) inner = i % 2 === 0 ? `favoriteMovies { ${inner} }` : `director { ${inner} }`;
  return inner;
}

describe('request bombs under the default limits', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());
  beforeEach(() => resetStats(stack.usersUrl, stack.moviesUrl));

  /** Sends the bomb and an ordinary query at once: the bomb is refused with no REST call, the other is answered. */
  async function refusedWhileServing(query: string, code: string): Promise<void> {
    const [bomb, other] = await Promise.all([gql(stack.gatewayUrl, query), gql(stack.gatewayUrl, SMALL_QUERY)]);
    expect(bomb.status).toBe(400);
    expect(codesOf(bomb.body)).toContain(code);
    expect(other.body).toEqual({ data: { user: { id: '1', name: expect.any(String) } }, extensions: expect.anything() });
    // The ordinary query's one call is the only one the services saw.
    const [users, movies] = await Promise.all([statsOf(stack.usersUrl), statsOf(stack.moviesUrl)]);
    expect(users.total + movies.total).toBe(1);
  }

  it('a 60-level favoriteMovies → director bomb of under 1 KB', async () => {
    const query = `{ users { favoriteMovies { ${nested(58)} } } }`;
    expect(query.length).toBeLessThan(1024);
    await refusedWhileServing(query, 'MAX_DEPTH_EXCEEDED');
  });

  it('40 levels through fragments', async () => {
    const fragments = Array.from({ length: 40 }, (_, i) =>
      i % 2 === 0 ? `fragment F${i} on User { favoriteMovies { ...F${i + 1} } }` : `fragment F${i} on Movie { director { ...F${i + 1} } }`,
    ).join('\n');
    await refusedWhileServing(`{ users { ...F0 } } ${fragments} fragment F40 on User { id }`, 'MAX_DEPTH_EXCEEDED');
  });

  it('1,000 aliases of user(id: "1")', async () => {
    const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: user(id: "1") { id }`).join(' ');
    await refusedWhileServing(`{ ${aliases} }`, 'MAX_TOKENS_EXCEEDED');
  });

  it('150 aliases within the token limit', async () => {
    const aliases = Array.from({ length: 150 }, (_, i) => `a${i}: user(id: "1") { id }`).join(' ');
    // 150 × 10 tokens is under 2,000: the aliases limit refuses it.
    await refusedWhileServing(`{ ${aliases} }`, 'MAX_ALIASES_EXCEEDED');
  });

  it('a 1 MB document', async () => {
    const query = `{ users { ${'id '.repeat(330_000)} } }`;
    expect(query.length).toBeGreaterThan(990_000);
    await refusedWhileServing(query, 'MAX_TOKENS_EXCEEDED');
  });

  it('fragments that double at every level (2^30 selections from a few hundred bytes)', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on User { ...F${i + 1} ...F${i + 1} }`).join('\n');
    await refusedWhileServing(`{ user(id: "1") { ...F0 } } ${fragments} fragment F30 on User { id }`, 'MAX_FIELDS_EXCEEDED');
  });

  it('a wide but shallow list bomb is refused by its cost', async () => {
    await refusedWhileServing('{ users(limit: 1000) { favoriteMovies { director { favoriteMovies { director { id } } } } } }', 'COST_LIMIT_EXCEEDED');
  });
});

describe('abstract types: a REST answer carries no __typename', () => {
  let service: Server;
  let stack: Stack;
  const schema = join(tmpdir(), `who-${process.pid}.graphql`);
  beforeAll(async () => {
    writeFileSync(
      schema,
      `type Query {
        who(id: ID!): Who @rest(path: "/who/{args.id}")
        everyone: [Who!] @rest(path: "/who")
        named(id: ID!): Named @rest(path: "/who/{args.id}")
      }
      union Who @discriminator(fields: { Person: "name", Robot: "serial" }) = Person | Robot
      interface Named @discriminator(field: "kind", values: { human: "Person", machine: "Robot" }) { id: ID! }
      type Person implements Named { id: ID! name: String! kind: String }
      type Robot implements Named { id: ID! serial: String! kind: String }`,
    );
    const answers: Record<string, unknown> = {
      '/who/1': { id: '1', name: 'Ada', kind: 'human' },
      '/who/2': { id: '2', serial: 'R2', kind: 'machine' },
      '/who/3': { id: '3', kind: 'alien' },
      '/who': [{ id: '1', name: 'Ada' }, { id: '2', serial: 'R2' }],
    };
    service = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answers[req.url ?? ''] ?? null));
    });
    const url = await listen(service);
    stack = await startStack({ config: { services: { who: { urls: [url], schema } } } });
  });
  afterAll(async () => {
    await stack.close();
    await closeServer(service);
  });

  it('picks a union member by the field only it has', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ who(id: "1") { ... on Person { name } } robot: who(id: "2") { __typename ... on Robot { serial } } everyone { __typename } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ who: { name: 'Ada' }, robot: { __typename: 'Robot', serial: 'R2' }, everyone: [{ __typename: 'Person' }, { __typename: 'Robot' }] });
  });

  it('picks an interface implementation by a discriminator value', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ a: named(id: "1") { id __typename } b: named(id: "2") { ... on Robot { serial } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({ a: { id: '1', __typename: 'Person' }, b: { serial: 'R2' } });
  });

  it('an answer that matches no member is that field\'s UPSTREAM_ERROR, and the next request is served', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ who(id: "3") { ... on Person { name } } named(id: "3") { id } ok: who(id: "1") { __typename } }');
    expect(body.data).toEqual({ who: null, named: null, ok: { __typename: 'Person' } });
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['who'], message: 'who service answered Query.who with a value that is none of Who\'s types (none of "name", "serial" present)', extensions: { code: 'UPSTREAM_ERROR', service: 'who' } }),
      expect.objectContaining({ path: ['named'], message: 'who service answered Query.named with a value that is none of Named\'s types (kind: "alien")', extensions: { code: 'UPSTREAM_ERROR', service: 'who' } }),
    ]);
    const next = await gql(stack.gatewayUrl, '{ who(id: "1") { ... on Person { name } } }');
    expect(next.body.data).toEqual({ who: { name: 'Ada' } });
  });
});

describe('an exception inside one operation never ends the process', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    // Resolvers that fail as a bug would, put in place before graphql-jit compiles any operation.
    const query = stack.gateway.schema.getQueryType() as GraphQLObjectType;
    const user = stack.gateway.schema.getType('User') as GraphQLObjectType;
    query.getFields().movie!.resolve = () => {
      throw new TypeError('cannot read properties of undefined (reading "id") at /src/secret.ts:12');
    };
    user.getFields().name!.resolve = () => Promise.reject(new RangeError('async bug'));
  });
  afterAll(() => stack.close());

  it('answers the failing fields as INTERNAL_SERVER_ERROR with no detail, and serves the next request', async () => {
    const { status, body } = await gql(stack.gatewayUrl, '{ movie(id: "1") { id } user(id: "1") { id name } }');
    expect(status).toBe(200);
    expect(body.data).toEqual({ movie: null, user: null });
    expect(codesOf(body)).toEqual(['INTERNAL_SERVER_ERROR', 'INTERNAL_SERVER_ERROR']);
    expect(JSON.stringify(body.errors)).not.toMatch(/secret|async bug|TypeError/);
    const next = await gql(stack.gatewayUrl, '{ users(limit: 1) { id } }');
    expect(next.body.data).toEqual({ users: [{ id: '1' }] });
  });
});
