import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.ts';

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
    writeFileSync(join(dir, 'gateway.config.json'), JSON.stringify({ port: 3100, graphql: { graphiql: true } }));
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
});
