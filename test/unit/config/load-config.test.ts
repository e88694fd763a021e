import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

const PRODUCTION_AUTH = { jwks: { url: 'https://id.example/jwks.json' }, issuer: 'https://id.example', audience: 'gateway' };
const tmp = (): string => mkdtempSync(join(tmpdir(), 'gateway-config-'));

describe('loadConfig', () => {
  it('defaults to the example services on localhost:3001 and :3002, the gateway on 3000', () => {
    const config = loadConfig({ envFile: false, env: {}, cwd: tmp() });
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.services.users?.urls).toEqual(['http://localhost:3001']);
    expect(config.services.movies?.urls).toEqual(['http://localhost:3002']);
    expect(config.services.users?.schema).toMatch(/schema\/users\.graphql$/);
    expect(config.graphql).toMatchObject({ graphiql: true, devExtensions: true });
  });

  it('keeps the seed gateway\'s .env names working: PORT, USER_SERVICE_URL, MOVIE_SERVICE_URL', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'PORT=4000\nUSER_SERVICE_URL=http://users.internal:8080/\nMOVIE_SERVICE_URL=http://m1:1,http://m2:2\n');
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.port).toBe(4000);
    expect(config.services.users?.urls).toEqual(['http://users.internal:8080']);
    expect(config.services.movies?.urls).toEqual(['http://m1:1', 'http://m2:2']);
  });

  it('lets the process environment win over .env', () => {
    const dir = tmp();
    writeFileSync(join(dir, '.env'), 'PORT=4000\n');
    expect(loadConfig({ cwd: dir, env: { PORT: '5000' } }).port).toBe(5000);
  });

  it('applies defaults < production preset < file < environment', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'gateway.config.json'), JSON.stringify({ port: 3100, graphql: { graphiql: true }, auth: PRODUCTION_AUTH }));
    const config = loadConfig({ cwd: dir, envFile: false, env: { NODE_ENV: 'production', PORT: '3200' } });
    expect(config.port).toBe(3200); // env over file
    expect(config.graphql.graphiql).toBe(true); // file over preset
    expect(config.graphql.devExtensions).toBe(false); // preset over default
    expect(config.logLevel).toBe('warn');
  });

  it('resolves a service\'s SDL path against the config file\'s folder, and reads durations', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'gateway.config.json'), JSON.stringify({ services: { reviews: { urls: ['http://r:1'], schema: 'sdl/reviews.graphql', timeout: '1.5s' } } }));
    const config = loadConfig({ cwd: dir, envFile: false, env: {} });
    expect(Object.keys(config.services)).toEqual(['reviews']);
    expect(config.services.reviews).toMatchObject({ schema: join(dir, 'sdl/reviews.graphql'), timeoutMs: 1500, maxBatchSize: 500 });
  });

  it('sets any service\'s instances with SERVICE_<NAME>_URLS', () => {
    const config = loadConfig({ envFile: false, env: { SERVICE_MOVIES_URLS: 'http://a:1, http://b:2' }, cwd: tmp() });
    expect(config.services.movies?.urls).toEqual(['http://a:1', 'http://b:2']);
  });

  it('returns a frozen config', () => {
    const config = loadConfig({ envFile: false, env: {}, cwd: tmp() });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.services.users?.urls)).toBe(true);
  });

  it('reads requestTimeout as a duration, and refuses one so short it would mean none', () => {
    const base = { envFile: false as const, env: {}, cwd: tmp() };
    expect(loadConfig(base).requestTimeoutMs).toBe(120_000);
    expect(loadConfig({ ...base, overrides: { requestTimeout: '5m' } }).requestTimeoutMs).toBe(300_000);
    expect(() => loadConfig({ ...base, overrides: { requestTimeout: 0 } })).toThrow(/requestTimeout: expected at least 100ms/);
  });

  it('requires verification keys, an issuer and an audience in production, and turns the development key off', () => {
    const base = { envFile: false as const, cwd: tmp() };
    expect(() => loadConfig({ ...base, env: { NODE_ENV: 'production' } })).toThrow(/auth: NODE_ENV=production needs verification keys/);
    expect(() => loadConfig({ ...base, env: { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://id.example/jwks.json' } })).toThrow(/auth\/issuer: NODE_ENV=production needs/);
    const config = loadConfig({ ...base, env: { NODE_ENV: 'production', AUTH_JWKS_URL: 'https://id.example/jwks.json', AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'gateway' } });
    expect(config.auth).toMatchObject({ devKey: false, issuer: ['https://id.example'], audience: ['gateway'] });
    expect(config.auth.jwks?.url).toBe('https://id.example/jwks.json');
    expect(loadConfig({ ...base, env: {} }).auth.devKey).toBe(true);
  });

  it('refuses key configurations that would allow algorithm confusion', () => {
    const base = { envFile: false as const, env: {}, cwd: tmp() };
    const secret = 'x'.repeat(32);
    expect(() => loadConfig({ ...base, overrides: { auth: { keys: [{ secret, algorithms: ['RS256'] }] } } })).toThrow(/RS256 needs a public key, not a secret/);
    expect(() => loadConfig({ ...base, overrides: { auth: { keys: [{ jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }, algorithms: ['HS256'] }] } } })).toThrow(/HS256 needs a secret/);
    expect(() => loadConfig({ ...base, overrides: { auth: { keys: [{ secret, algorithms: ['none'] }] } } })).toThrow(/expected one of HS256/);
    expect(() => loadConfig({ ...base, overrides: { auth: { keys: [{ secret: 'short', algorithms: ['HS256'] }] } } })).toThrow(/at least 32 bytes/);
    expect(() => loadConfig({ ...base, overrides: { auth: { keys: [{ jwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' }, algorithms: ['ES256'] }] } } })).toThrow(/public key only/);
  });

  it('reads route access rules: public reads and authenticated writes unless stated', () => {
    const config = loadConfig({
      envFile: false, env: {}, cwd: tmp(),
      overrides: { routes: [{ prefix: '/a', service: 'users' }, { prefix: '/b', service: 'users', access: { GET: 'public', DELETE: { scopes: [['b:admin']] } } }, { prefix: '/c', service: 'users', access: 'protected' }] },
    });
    expect(config.routes.map((r) => r.access)).toEqual([
      { GET: 'public', '*': 'authenticated' },
      { GET: 'public', DELETE: { scopes: [['b:admin']] }, '*': 'authenticated' },
      { '*': 'authenticated' },
    ]);
  });
});

describe('the graphql section: limits, cost, production switches', () => {
  const load = (graphql: unknown) => loadConfig({ envFile: false, env: {}, cwd: tmp(), overrides: { graphql } });
  const error = (graphql: unknown): string => {
    try {
      load(graphql);
    } catch (err) {
      return (err as Error).message;
    }
    throw new Error('no error');
  };

  it('reads every limit, the cost budget, the deadline and the switches over the defaults', () => {
    const g = load({ limits: { depth: 6, warnOnly: ['aliases', 'tokens'] }, cost: { maxCalls: 9, warnOnly: true }, operationTimeout: '5s', introspection: false, csrfPrevention: false }).graphql;
    expect(g.limits).toEqual({ enabled: true, depth: 6, aliases: 15, rootFields: 20, directives: 50, tokens: 2000, fields: 1000, warnOnly: ['aliases', 'tokens'] });
    expect(g.cost).toMatchObject({ maxCalls: 9, maxItems: 50_000, warnOnly: true });
    expect(g).toMatchObject({ operationTimeoutMs: 5000, introspection: false, csrfPrevention: false, fieldSuggestions: true });
    expect(load({ limits: { warnOnly: true } }).graphql.limits.warnOnly).toEqual(['depth', 'aliases', 'rootFields', 'directives', 'tokens', 'fields']);
  });

  it('refuses bad values with the key path', () => {
    expect(error({ limits: { depth: 0 } })).toBe('config overrides#/graphql/limits/depth: expected an integer from 1 to 1000000000, got 0');
    expect(error({ limits: { warnOnly: ['deep'] } })).toBe('config overrides#/graphql/limits/warnOnly/0: expected one of depth, aliases, rootFields, directives, tokens, fields, got "deep"');
    expect(error({ limits: { height: 3 } })).toMatch(/^config overrides#\/graphql\/limits\/height: unknown key \(known: enabled, depth, /);
    expect(error({ cost: { maxItems: 'lots' } })).toBe('config overrides#/graphql/cost/maxItems: expected an integer from 1 to 1000000000, got "lots"');
    expect(error({ operationTimeout: '1ms' })).toBe('config overrides#/graphql/operationTimeout: expected at least 10ms');
  });

  it('reads a service\'s maxResponseBytes', () => {
    const config = loadConfig({ envFile: false, env: {}, cwd: tmp(), overrides: { services: { users: { urls: ['http://u:1'], schema: 'x.graphql', maxResponseBytes: 4096 } } } });
    expect(config.services.users?.maxResponseBytes).toBe(4096);
  });
});
