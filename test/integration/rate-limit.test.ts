// Rate limits on GraphQL operations, SDL fields and passthrough routes, with the in-memory store and
// with a real redis-server shared by two gateway processes: budgets per identity (token subject, else
// client address), reset after the window, spoofed X-Forwarded-For, the Redis-down policy, and the
// RateLimit-* headers.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { startEchoUpstream } from '../harness/echo-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { startRedis, type RedisServer } from '../harness/redis-server.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';
import { bearer } from '../harness/test-tokens.ts';

const fixture = (name: string): string => resolve(ROOT, 'test/fixtures', name);
const QUERY = '{ movies(limit: 1) { id } }';
let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
const stacks: Stack[] = [];

beforeAll(async () => {
  echo = await startEchoUpstream();
});
afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
  await echo.close();
});

/** A gateway with these rate limits, the echo upstream as a limited GraphQL service and a limited route. */
async function limitedStack(rateLimit: Record<string, unknown>, routeLimit: unknown = { anonymous: { max: 2, window: '1m' }, authenticated: { max: 3, window: '1m' } }): Promise<Stack> {
  const stack = await startStack({
    config: {
      rateLimit,
      services: { echo: { urls: [echo.url], schema: fixture('echo-limited.graphql') } },
      routes: [{ prefix: '/echo', service: 'echo', access: 'public', rateLimit: routeLimit }],
    },
  });
  stacks.push(stack);
  return stack;
}

describe('the per-operation limit', () => {
  it('refuses the operation over the budget with 429, Retry-After and extensions.retryAfter', async () => {
    const s = await limitedStack({ operation: { anonymous: { max: 3, window: '1m' } } });
    for (let i = 0; i < 3; i++) {
      const ok = await gql(s.gatewayUrl, QUERY);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('3');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(2 - i));
    }
    const refused = await gql(s.gatewayUrl, QUERY);
    expect(refused.status).toBe(429);
    expect(codesOf(refused.body)).toEqual(['RATE_LIMITED']);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.errors![0]!.extensions!.retryAfter).toBe(retryAfter);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
  });

  it('leaves other identities alone: a verified caller has its own (larger) budget, per subject', async () => {
    const s = await limitedStack({ operation: { anonymous: { max: 1, window: '1m' }, authenticated: { max: 2, window: '1m' } } });
    expect((await gql(s.gatewayUrl, QUERY)).status).toBe(200);
    expect((await gql(s.gatewayUrl, QUERY)).status).toBe(429);
    const seven = await bearer('7');
    expect((await gql(s.gatewayUrl, QUERY, { headers: seven })).status).toBe(200);
    expect((await gql(s.gatewayUrl, QUERY, { headers: seven })).status).toBe(200);
    expect((await gql(s.gatewayUrl, QUERY, { headers: seven })).status).toBe(429);
    expect((await gql(s.gatewayUrl, QUERY, { headers: await bearer('8') })).status).toBe(200);
  });

  it('allows again once the window has passed', async () => {
    // The limiter reads the clock (Date); moving it on passes the window with no waiting. Timers and
    // sockets keep real time.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const s = await limitedStack({ operation: { anonymous: { max: 1, window: '1m' } } });
      expect((await gql(s.gatewayUrl, QUERY)).status).toBe(200);
      vi.setSystemTime(Date.now() + 59_000);
      expect((await gql(s.gatewayUrl, QUERY)).status).toBe(429);
      vi.setSystemTime(Date.now() + 1_001);
      expect((await gql(s.gatewayUrl, QUERY)).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts concurrent operations exactly: of 12 at once with a budget of 5, 5 pass', async () => {
    const s = await limitedStack({ operation: { anonymous: { max: 5, window: '1m' } } });
    const statuses = await Promise.all(Array.from({ length: 12 }, () => gql(s.gatewayUrl, QUERY).then((r) => r.status)));
    expect(statuses.filter((x) => x === 200)).toHaveLength(5);
    expect(statuses.filter((x) => x === 429)).toHaveLength(7);
  });
});

describe('the client address', () => {
  it('ignores X-Forwarded-For from a client that is not a trusted proxy', async () => {
    const s = await limitedStack({ operation: { anonymous: { max: 2, window: '1m' } } });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await gql(s.gatewayUrl, QUERY, { headers: { 'x-forwarded-for': `203.0.113.${i}` } })).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('behind a trusted proxy, reads X-Forwarded-For from the right, so what the client wrote itself changes nothing', async () => {
    const s = await limitedStack({ operation: { anonymous: { max: 2, window: '1m' } }, trustedProxies: ['127.0.0.1', '::1'] });
    // The client writes a new address each time; its proxy appends the address it really came from.
    const via = (spoof: string, real: string) => gql(s.gatewayUrl, QUERY, { headers: { 'x-forwarded-for': `${spoof}, ${real}` } }).then((r) => r.status);
    expect([await via('1.1.1.1', '10.0.0.5'), await via('2.2.2.2', '10.0.0.5'), await via('3.3.3.3', '10.0.0.5')]).toEqual([200, 200, 429]);
    expect(await via('1.1.1.1', '10.0.0.6')).toBe(200); // another client behind the proxy
  });
});

describe('field limits from the SDL', () => {
  it('nulls a limited field with RATE_LIMITED and retryAfter while the rest resolves, counting once per operation', async () => {
    const s = await limitedStack({});
    const query = '{ a: limitedEcho { method } b: limitedEcho { method } freeEcho { method } }';
    for (let i = 0; i < 2; i++) {
      const { body } = await gql(s.gatewayUrl, query);
      expect(body.errors).toBeUndefined();
      expect(body.data.a).toEqual({ method: 'GET' });
    }
    const before = echo.received.filter((e) => e.url === '/limited').length;
    const { status, body } = await gql(s.gatewayUrl, query);
    expect(status).toBe(200);
    expect(body.data).toEqual({ a: null, b: null, freeEcho: { method: 'GET' } });
    expect(codesOf(body)).toEqual(['RATE_LIMITED', 'RATE_LIMITED']);
    expect(body.errors![0]!.extensions!.retryAfter).toBeGreaterThan(0);
    expect(echo.received.filter((e) => e.url === '/limited').length).toBe(before);
  });

  it('shows the limit in the schema\'s description', async () => {
    const s = await limitedStack({});
    const { body } = await gql(s.gatewayUrl, '{ __type(name: "Query") { fields { name description } } }');
    const field = body.data.__type.fields.find((f: { name: string }) => f.name === 'limitedEcho');
    expect(field.description).toBe('Rate limit: at most 2 operations asking for it per 1 min per caller.');
  });
});

describe('passthrough routes', () => {
  it('send RateLimit-* headers, then 429 with Retry-After and a JSON body, forwarding nothing', async () => {
    const s = await limitedStack({});
    const first = await fetch(`${s.gatewayUrl}/echo/a`);
    expect(first.status).toBe(200);
    expect([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')]).toEqual(['2', '1']);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    expect((await fetch(`${s.gatewayUrl}/echo/b`)).headers.get('ratelimit-remaining')).toBe('0');
    const before = echo.received.length;
    const refused = await fetch(`${s.gatewayUrl}/echo/c`);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const body = await refused.json();
    expect(body.error).toMatchObject({ code: 'RATE_LIMITED', requestId: refused.headers.get('x-request-id') });
    expect(echo.received.length).toBe(before);
    // A verified caller has the route's authenticated budget.
    expect((await fetch(`${s.gatewayUrl}/echo/d`, { headers: await bearer('7') })).headers.get('ratelimit-limit')).toBe('3');
  });

  it('a client rotating X-Forwarded-For or identity headers stays one client', async () => {
    const s = await limitedStack({});
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const headers = { 'x-forwarded-for': `198.51.100.${i}`, 'x-real-ip': `198.51.100.${i}`, 'x-user-id': String(i) };
      statuses.push((await fetch(`${s.gatewayUrl}/echo/spoof`, { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);
  });

  it('a route with rateLimit: false has no limit and no headers', async () => {
    const s = await limitedStack({}, false);
    const res = await fetch(`${s.gatewayUrl}/echo/a`);
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBeNull();
  });
});

describe('with Redis', () => {
  let redis: RedisServer;
  const services: Server[] = [];
  const children: ChildProcess[] = [];
  let usersUrl: string;
  let moviesUrl: string;

  beforeAll(async () => {
    redis = await startRedis();
    services.push(createUsersService(), createMoviesService());
    [usersUrl, moviesUrl] = await Promise.all(services.map(listen)) as [string, string];
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await Promise.all(services.map(closeServer));
    await redis.stop();
  });

  /** A gateway process (src/main.ts) with this config file content; resolves once its store is connected. */
  async function gatewayProcess(config: Record<string, unknown>, env: Record<string, string> = {}): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'gateway-rl-'));
    writeFileSync(join(dir, 'gateway.config.json'), JSON.stringify({ ...config, logLevel: 'warn' }));
    const child = spawn(process.execPath, [resolve(ROOT, 'src/main.ts'), '--config', join(dir, 'gateway.config.json')], {
      env: { ...process.env, PORT: '0', USER_SERVICE_URL: usersUrl, MOVIE_SERVICE_URL: moviesUrl, NODE_ENV: 'development', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    // Its first line says where it listens; it has 20 s to say so.
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the gateway did not start within 20 s: ${out}`)), 20_000);
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        out += chunk;
        const started = /gateway on (http:\/\/\S+?) /.exec(out);
        if (started) {
          clearTimeout(timer);
          resolve(started[1]!);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gateway exited with ${code}`));
      });
    });
    for (let i = 0; i < 100; i++) {
      const health = await (await fetch(`${url}/healthz`)).json();
      if (health.rateLimit.state === 'ready') return url;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the gateway did not connect to Redis');
  }

  it('two gateway processes sharing Redis enforce one limit together, even for concurrent requests', async () => {
    const config = { rateLimit: { redisUrl: redis.url, operation: { anonymous: { max: 4, window: '1m' } } } };
    const [a, b] = await Promise.all([gatewayProcess(config), gatewayProcess(config)]);
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => gql(i % 2 ? a! : b!, QUERY).then((r) => r.status)));
    expect(statuses.filter((x) => x === 200)).toHaveLength(4);
    // Both refuse from now on: the count is shared, not per process.
    expect((await gql(a!, QUERY)).status).toBe(429);
    expect((await gql(b!, QUERY)).status).toBe(429);
  });

  it('keeps serving with per-instance limits while Redis is down (the default policy), and says so in /healthz', async () => {
    const own = await startRedis();
    const s = await limitedStack({ redisUrl: own.url, operation: { anonymous: { max: 2, window: '1m' } } });
    for (let i = 0; i < 100 && (await (await fetch(`${s.gatewayUrl}/healthz`)).json()).rateLimit.state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 50));
    expect((await gql(s.gatewayUrl, QUERY)).status).toBe(200);
    await own.stop();
    const health = await (await fetch(`${s.gatewayUrl}/healthz`)).json();
    expect(health.rateLimit).toMatchObject({ store: 'redis', onDown: 'local' });
    expect((await fetch(`${s.gatewayUrl}/readyz`)).status).toBe(200); // still serving, with local limits
    // The instance's own memory takes over: a fresh local budget of 2, then 429.
    expect([(await gql(s.gatewayUrl, QUERY)).status, (await gql(s.gatewayUrl, QUERY)).status, (await gql(s.gatewayUrl, QUERY)).status]).toEqual([200, 200, 429]);
  });

  it('refuses with 503 while Redis is down when configured to reject', async () => {
    const gone = await startRedis();
    await gone.stop();
    const s = await limitedStack({ redisUrl: gone.url, onStoreDown: 'reject', operation: { anonymous: { max: 5, window: '1m' } } });
    const { status, body } = await gql(s.gatewayUrl, QUERY);
    expect(status).toBe(503);
    expect(codesOf(body)).toEqual(['SERVICE_UNAVAILABLE']);
    const route = await fetch(`${s.gatewayUrl}/echo/x`);
    expect(route.status).toBe(503);
    const ready = await fetch(`${s.gatewayUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect((await ready.json()).unavailable).toEqual(['rate-limit store']);
  });
});
