// Headers to services: a service's configured headers (an API key from the environment, read at
// start-up, never shown), the client headers a service may see (an allow-list), and a field's own
// header templates; the gateway's own headers cannot be set or spoofed from any of them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createGateway } from '../../src/create-gateway.ts';
import { ConfigError } from '../../src/errors.ts';
import { createLogger } from '../../src/logger.ts';
import { startEchoUpstream } from '../harness/echo-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { startJsonServer, type StartedJsonServer } from '../harness/json-server.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';
import { bearer } from '../harness/test-tokens.ts';

const FIXTURES = join(ROOT, 'test/fixtures');
const API_KEY = 'k3y-that-must-never-show-0123456789';

describe('a service\'s configured headers: an API key from the environment', () => {
  let api: StartedJsonServer;
  let stack: Stack;
  const lines: string[] = [];
  beforeAll(async () => {
    api = await startJsonServer(join(FIXTURES, 'json-server/db.json'), { apiKey: API_KEY });
    stack = await startStack({
      env: { PEOPLE_API_KEY: API_KEY },
      logger: createLogger({ level: 'debug', write: (line) => lines.push(line) }),
      config: {
        services: { people: { urls: [api.url], schema: join(FIXTURES, 'json-server/people.graphql'), headers: { 'X-Api-Key': '${env:PEOPLE_API_KEY}' } } },
        routes: [{ prefix: '/people', service: 'people', access: 'public' }],
      },
    });
  });
  afterAll(async () => {
    await stack.close();
    await api.close();
  });

  it('sends the key on every GraphQL call, and on passthrough calls over any key the client sent', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ person(id: "2") { firstName employer { name } } }');
    expect(body.errors).toBeUndefined();
    expect(body.data.person).toEqual({ firstName: 'Grace', employer: { name: 'Compiler Corp' } });
    const passthrough = await fetch(`${stack.gatewayUrl}/people/2`, { headers: { 'x-api-key': 'a guess' } });
    expect(passthrough.status).toBe(200);
    expect(((await passthrough.json()) as { first_name: string }).first_name).toBe('Grace');
  });

  it('never shows the key: not in answers, dev extensions or logs', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ people(limit: 2) { firstName } }');
    expect(JSON.stringify(body)).not.toContain(API_KEY);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(API_KEY);
  });

  it('without the key the service answers 401, and the field is UPSTREAM_ERROR', async () => {
    const bare = await startStack({ config: { services: { people: { urls: [api.url], schema: join(FIXTURES, 'json-server/people.graphql') } } } });
    try {
      const { body } = await gql(bare.gatewayUrl, '{ person(id: "2") { firstName } }');
      expect(body.data).toEqual({ person: null });
      expect(codesOf(body)).toEqual(['UPSTREAM_ERROR']);
    } finally {
      await bare.close();
    }
  });
});

describe('client headers and a field\'s own headers', () => {
  let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
  let stack: Stack;
  beforeAll(async () => {
    echo = await startEchoUpstream();
    stack = await startStack({
      config: { services: { echo: { urls: [echo.url], schema: join(FIXTURES, 'echo-headers.graphql'), forwardHeaders: ['X-Tenant-Id', 'accept-language'] } } },
    });
  });
  afterAll(async () => {
    await stack.close();
    await echo.close();
  });

  it('passes allow-listed client headers, and no others; the identity headers are the gateway\'s', async () => {
    const seven = await bearer('7', 'reader');
    await gql(stack.gatewayUrl, '{ echo { method } }', {
      headers: { ...seven, 'x-tenant-id': 'acme', 'x-other': 'no', 'x-user-id': '1', 'x-user-scopes': 'admin', 'x-request-id': 'spoofed-id' },
    });
    const seen = echo.received.at(-1)!.headers;
    expect(seen['x-tenant-id']).toBe('acme');
    expect(seen['x-other']).toBeUndefined();
    expect(seen['x-user-id']).toBe('7');
    expect(seen['x-user-scopes']).toBe('reader');
    expect(seen.authorization).toBeUndefined();
  });

  it('fills a field\'s header from its arguments, and the field\'s value wins over a forwarded one', async () => {
    await gql(stack.gatewayUrl, '{ echo(lang: "fr-CH") { method } }', { headers: { 'accept-language': 'de' } });
    expect(echo.received.at(-1)!.headers).toMatchObject({ 'accept-language': 'fr-CH', 'x-client': 'graphql' });
    await gql(stack.gatewayUrl, '{ echo { method } }', { headers: { 'accept-language': 'de' } });
    expect(echo.received.at(-1)!.headers['accept-language']).toBe('de');
  });

  it('refuses a header value with a line break with BAD_USER_INPUT, and sends nothing', async () => {
    const count = echo.received.length;
    const { body } = await gql(stack.gatewayUrl, 'query ($l: String) { echo(lang: $l) { method } }', { variables: { l: 'en\r\nx-user-id: 1' } });
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(echo.received.length).toBe(count);
  });
});

describe('what start-up refuses', () => {
  const start = (services: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) => () =>
    createGateway(loadConfig({ envFile: false, env, cwd: ROOT, overrides: { services: { users: { urls: ['http://127.0.0.1:9'], schema: 'schema/users.graphql', ...services } } } }), { logger: createLogger({ level: 'silent' }) });

  it('a secret that is not set, naming the variable and nothing else', () => {
    expect(start({ headers: { 'x-api-key': 'Key ${env:USERS_KEY}' } })).toThrow(new ConfigError('services/users/headers/x-api-key: ${env:USERS_KEY} is not set'));
  });

  it('an owned header in a service\'s headers or forwardHeaders', () => {
    expect(start({ forwardHeaders: ['X-User-Id'] })).toThrow('services/users: x-user-id is set by the gateway itself and cannot be configured or forwarded');
    expect(start({ headers: { 'x-request-id': 'x' } })).toThrow('x-request-id is set by the gateway itself');
    expect(start({ forwardToken: true, headers: { authorization: 'Bearer x' } })).toThrow('authorization is set by the gateway itself');
  });
});
