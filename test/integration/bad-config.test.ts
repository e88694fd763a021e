// A bad configuration stops start-up with one message that names the file (and line) and the problem.
// Each SDL case is a file in test/fixtures/bad-configs/ whose first lines say what it must produce.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, type LoadConfigOptions } from '../../src/config/load-config.ts';
import { createGateway } from '../../src/create-gateway.ts';
import { ConfigError } from '../../src/errors.ts';
import { ROOT } from '../harness/start-stack.ts';

const FIXTURES = resolve(ROOT, 'test/fixtures/bad-configs');

/** The message start-up fails with, for a config built by `options`. */
function startupError(options: LoadConfigOptions): string {
  try {
    createGateway(loadConfig({ envFile: false, env: {}, cwd: ROOT, ...options }));
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('start-up did not fail');
}

function writeConfig(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-bad-config-'));
  const file = join(dir, 'gateway.config.json');
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

describe('SDL files', () => {
  for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.graphql'))) {
    const text = readFileSync(join(FIXTURES, name), 'utf8');
    const expected = /^# expect: (.*)$/m.exec(text)?.[1] as string;
    const withUsers = /^# with: users$/m.test(text);
    it(`${name} → "${expected}"`, () => {
      const services: Record<string, unknown> = {
        ...(withUsers ? { users: { urls: ['http://127.0.0.1:9'], schema: 'schema/users.graphql' } } : {}),
        bad: { urls: ['http://127.0.0.1:9'], schema: `test/fixtures/bad-configs/${name}` },
      };
      const message = startupError({ overrides: { services } });
      // One line per problem; the first is the one the fixture is about.
      expect(message.split('\n')[0]).toContain(`test/fixtures/bad-configs/${expected}`);
    });
  }
});

describe('config files and environment', () => {
  const service = { urls: ['http://127.0.0.1:9'], schema: resolve(ROOT, 'schema/users.graphql') };

  it('a service without urls', () => {
    const file = writeConfig({ services: { users: { schema: service.schema } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/urls: missing: list the base URL of each instance, e.g. ["http://localhost:3001"]`);
  });

  it('a URL that is not http(s)', () => {
    const file = writeConfig({ services: { users: { ...service, urls: ['ftp://files.local'] } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/urls/0: expected an http(s) URL, got "ftp://files.local"`);
  });

  it('an unknown key', () => {
    const file = writeConfig({ services: { users: { ...service, timout: '2s' } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/timout: unknown key (known: urls, schema, signIdentity, tls, graphql, timeout, connectTimeout, firstByteTimeout, maxBatchSize, maxUrlLength, maxConcurrency, balancer, breaker, retry, connections, healthPath, forwardToken, maxResponseBytes, headers, forwardHeaders, cache, errors)`);
  });

  it('a duration that is not one', () => {
    const file = writeConfig({ services: { users: { ...service, timeout: 'ten seconds' } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/timeout: expected a duration such as 500 (ms), "500ms", "10s" or "1m", got "ten seconds"`);
  });

  it('a POST in the retry methods is refused: it is never idempotent', () => {
    const file = writeConfig({ services: { users: { ...service, retry: { methods: ['GET', 'POST'] } } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/retry/methods/1: POST is not idempotent and is never retried`);
  });

  it('a breaker window that does not divide into its buckets', () => {
    const file = writeConfig({ services: { users: { ...service, breaker: { window: '1s', buckets: 3 } } } });
    expect(startupError({ file })).toBe(`${file}#/services/users/breaker/buckets: the window (1000 ms) must divide evenly into 3 buckets`);
  });

  it('a GraphQL service with neither urls nor graphql.url, or with a REST SDL file beside its graphql', () => {
    const bare = writeConfig({ services: { users: service, ratings: { graphql: { path: '/graphql' } } } });
    expect(startupError({ file: bare })).toBe(`${bare}#/services/ratings/urls: missing: list the base URL of each instance, e.g. ["http://localhost:3001"]`);
    const both = writeConfig({ services: { users: service, ratings: { graphql: { url: 'http://127.0.0.1:9/graphql' }, schema: 'schema/users.graphql' } } });
    expect(startupError({ file: both })).toBe(`${both}#/services/ratings/schema: a GraphQL service's schema is graphql.schema (an SDL file of its own schema), not a REST SDL file`);
    const typo = writeConfig({ services: { users: service, ratings: { graphql: { url: 'http://127.0.0.1:9/graphql', rename: { 'Query.top-rated': 'x' } } } } });
    expect(startupError({ file: typo })).toBe(`${typo}#/services/ratings/graphql/rename/Query.top-rated: expected "Type" or "Type.field", got "Query.top-rated"`);
  });

  it('a route to a service that is not configured', () => {
    const file = writeConfig({ services: { users: service }, routes: [{ prefix: '/films', service: 'movies' }] });
    expect(startupError({ file })).toBe('routes: the route /films goes to service "movies", which is not configured (configured: users)');
  });

  it('a route prefix with a dot segment, or over the gateway\'s own paths', () => {
    const dots = writeConfig({ services: { users: service }, routes: [{ prefix: '/users/..', service: 'users' }] });
    expect(startupError({ file: dots })).toMatch(/#\/routes\/0\/prefix: expected a path such as "\/users", with no trailing slash, dot segments or percent-encoding/);
    const own = writeConfig({ services: { users: service }, routes: [{ prefix: '/graphql', service: 'users' }] });
    expect(startupError({ file: own })).toBe(`${own}#/routes/0/prefix: /graphql is the gateway's own path`);
  });

  it('a prefix routed twice', () => {
    const file = writeConfig({ services: { users: service }, routes: [{ prefix: '/u', service: 'users' }, { prefix: '/u', service: 'users' }] });
    expect(startupError({ file })).toBe(`${file}#/routes/1/prefix: /u is routed twice`);
  });

  it('an access rule that is none of public, authenticated or a scope list', () => {
    const file = writeConfig({ services: { users: service }, routes: [{ prefix: '/u', service: 'users', access: { GET: 'open' } }] });
    expect(startupError({ file })).toBe(`${file}#/routes/0/access/GET: expected "public", "authenticated" or { "scopes": [["movies:write"]], "owner": "/users/{id}" }, got "open"`);
  });

  it('an SDL file that cannot be read', () => {
    const file = writeConfig({ services: { users: { ...service, schema: 'missing.graphql' } } });
    expect(startupError({ file })).toMatch(/missing\.graphql: cannot read the SDL of service "users" \(ENOENT\)$/);
  });

  it('a config file that is not JSON', () => {
    const file = writeConfig('{ "port": 3000, }');
    expect(startupError({ file })).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not valid JSON \\(`));
  });

  it('a config file that does not exist', () => {
    expect(startupError({ file: '/nonexistent/gateway.config.json' })).toBe('/nonexistent/gateway.config.json: cannot read the config file (ENOENT)');
  });

  it('an environment variable with a bad value names the variable', () => {
    expect(startupError({ env: { PORT: 'eighty' } })).toBe('PORT (environment): expected an integer from 0 to 65535, got "eighty"');
  });

  it('a bad value in .env names the variable and the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-env-'));
    writeFileSync(join(dir, '.env'), 'USER_SERVICE_URL=not a url\n');
    expect(startupError({ cwd: dir, envFile: '.env' })).toBe(`USER_SERVICE_URL (${join(dir, '.env')}): expected an http(s) URL such as "http://localhost:3001", got "not a url"`);
  });

  it('a URL for a service that is not configured', () => {
    expect(startupError({ env: { SERVICE_REVIEWS_URLS: 'http://127.0.0.1:9' } })).toBe('SERVICE_REVIEWS_URLS (environment): no service named "reviews" is configured (configured: users, movies)');
  });

  it('a wildcard CORS origin is refused', () => {
    expect(startupError({ env: { CORS_ORIGINS: '*' } })).toBe('CORS_ORIGINS (environment): a wildcard origin is not allowed; list the origins that may call the gateway');
  });
});

describe('the gateway command', () => {
  it('prints one clear message, no stack, and exits with 1', () => {
    const file = writeConfig({ services: { bad: { urls: ['http://127.0.0.1:9'], schema: resolve(FIXTURES, 'unknown-placeholder.graphql') } } });
    const run = spawnSync(process.execPath, [resolve(ROOT, 'src/main.ts'), '--config', file], { encoding: 'utf8', timeout: 20_000, cwd: ROOT, env: { ...process.env, PORT: '0' } });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'gateway: configuration error\ntest/fixtures/bad-configs/unknown-placeholder.graphql:4:25: {args.userId}: Query.user has no argument "userId" (arguments: id)',
    );
    expect(run.stdout).toBe('');
  });
});
