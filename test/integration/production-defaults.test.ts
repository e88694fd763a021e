// Safe by default: what NODE_ENV=production turns on (introspection off, no field suggestions), CSRF
// prevention on in every mode, and GraphQL-over-HTTP conformance (graphql-http's server audits) in the
// development and production presets alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { loadConfig } from '../../src/config/load-config.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { TEST_AUTH } from '../harness/test-tokens.ts';

const PRODUCTION = { NODE_ENV: 'production' };

describe('the production defaults', () => {
  it('are what the configuration says with NODE_ENV=production', () => {
    const config = loadConfig({ envFile: false, env: PRODUCTION, overrides: { auth: TEST_AUTH } });
    expect(config.graphql).toEqual({
      graphiql: false,
      devExtensions: false,
      maxBodyBytes: 1024 * 1024,
      introspection: false,
      fieldSuggestions: false,
      csrfPrevention: true,
      operationTimeoutMs: 30_000,
      compile: true,
      batchWaitMs: 50,
      limits: { enabled: true, depth: 10, aliases: 15, rootFields: 20, directives: 50, tokens: 2000, fields: 1000, warnOnly: [] },
      cost: { maxCalls: 50, maxItems: 50_000, defaultListSize: 10, runtimeMaxCalls: 100, warnOnly: false },
    });
    expect(config.services.users?.maxResponseBytes).toBe(8 * 1024 * 1024);
    // Development keeps introspection and suggestions for GraphiQL, and CSRF prevention too.
    const dev = loadConfig({ envFile: false, env: {} });
    expect(dev.graphql).toMatchObject({ introspection: true, fieldSuggestions: true, csrfPrevention: true });
  });

  it('each is a switch: a config file can turn introspection back on in production', () => {
    const config = loadConfig({ envFile: false, env: { ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' }, overrides: { auth: TEST_AUTH, graphql: { csrfPrevention: false } } });
    expect(config.graphql).toMatchObject({ introspection: true, fieldSuggestions: false, csrfPrevention: false });
  });
});

describe('a production gateway', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: PRODUCTION });
  });
  afterAll(() => stack.close());

  it('refuses __schema and __type with INTROSPECTION_DISABLED, and still answers __typename', async () => {
    const schema = await gql(stack.gatewayUrl, '{ __schema { types { name } } }');
    // graphql-js's rule reports each introspection field: __schema and its types.
    expect(new Set(codesOf(schema.body))).toEqual(new Set(['INTROSPECTION_DISABLED']));
    expect(schema.body.errors?.[0]?.message).toContain('introspection has been disabled');
    const type = await gql(stack.gatewayUrl, '{ __type(name: "User") { name } }');
    expect(codesOf(type.body)).toEqual(['INTROSPECTION_DISABLED']);
    const typename = await gql(stack.gatewayUrl, '{ __typename user(id: "1") { __typename id } }');
    expect(typename.body).toEqual({ data: { __typename: 'Query', user: { __typename: 'User', id: '1' } } });
  });

  it('says no "Did you mean" in validation or variable errors', async () => {
    const field = await gql(stack.gatewayUrl, '{ usr(id: "1") { id } }');
    expect(field.body.errors?.[0]?.message).toBe('Cannot query field "usr" on type "Query".');
    const argument = await gql(stack.gatewayUrl, '{ users(limt: 1) { id } }');
    expect(argument.body.errors?.[0]?.message).toBe('Unknown argument "limt" on field "Query.users".');
    const variable = await gql(stack.gatewayUrl, 'query ($id: ID!) { user(id: $id) { nme } }', { variables: { id: '1' } });
    expect(JSON.stringify(variable.body)).not.toContain('Did you mean');
  });

  it('refuses a GET with no preflight header (CSRF), makes no REST call, and serves it with one', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    const url = `${stack.gatewayUrl}/graphql?query=${encodeURIComponent('{ user(id: "1") { id } }')}`;
    const refused = await fetch(url, { headers: { accept: 'application/json' } });
    expect(refused.status).toBe(400);
    const body = (await refused.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(body.errors[0]?.extensions.code).toBe('CSRF_HEADER_REQUIRED');
    expect(body.errors[0]?.message).toContain('x-graphql-csrf');
    expect((await statsOf(stack.usersUrl)).total).toBe(0);
    const allowed = await fetch(url, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(await allowed.json()).toEqual({ data: { user: { id: '1' } } });
  });

  it('refuses a POST with a simple content type (a form a cross-site page can submit)', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{ __typename }"}' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

describe('GraphQL over HTTP conformance (graphql-http server audits)', () => {
  const audit = async (stack: Stack) => Promise.all(serverAudits({ url: `${stack.gatewayUrl}/graphql` }).map((a) => a.fn()));

  for (const [preset, env] of [
    ['development', {}],
    // Two of the audits query __type: the production preset is audited with that one switch flipped.
    ['production (introspection on)', { ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true' }],
  ] as const) {
    it(`passes every MUST and SHOULD audit in ${preset}; GET-only MAY audits become notices with CSRF prevention`, async () => {
      const stack = await startStack({ env });
      try {
        const results = await audit(stack);
        const failed = results.filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY'));
        expect(failed.map((r) => `${r.id} ${r.name}`)).toEqual([]);
        expect(results.filter((r) => r.name.startsWith('MUST')).length).toBeGreaterThan(5);
        // The MAY audits that fail are the ones that send a GET without a preflight header.
        for (const notice of results.filter((r) => r.status !== 'ok')) expect(notice.name).toMatch(/GET/);
      } finally {
        await stack.close();
      }
    });
  }

  it('in the production preset itself, only the two audits that ask for __type fail', async () => {
    const stack = await startStack({ env: PRODUCTION });
    try {
      const failed = (await audit(stack)).filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY'));
      expect(failed.map((r) => r.id).sort()).toEqual(['28B9', '2EA1']);
    } finally {
      await stack.close();
    }
  });
});
