// The upstream response cache (opt-in per service) and coalescing: what a service lets a shared cache keep
// is answered without a call, revalidated with its ETag once stale, and never served across identities;
// no-store and private answers are not kept. Calls counted at the services.
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { bearer } from '../harness/test-tokens.ts';

describe('a cached service whose reads are public (movies: public, max-age=5, with an ETag)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ serviceConfig: { movies: { cache: { enabled: true } } } });
  });
  afterAll(() => stack.close());

  it('answers a repeated read from the cache, with no call, and says so in the dev trace and /healthz', async () => {
    await resetStats(stack.moviesUrl);
    const first = await gql(stack.gatewayUrl, '{ movie(id: "11") { title } }');
    const second = await gql(stack.gatewayUrl, '{ movie(id: "11") { title } }');
    expect(second.body.data).toEqual(first.body.data);
    expect((await statsOf(stack.moviesUrl)).total).toBe(1);
    expect(second.body.extensions?.upstream?.requests).toEqual([expect.objectContaining({ path: '/movies?ids=11', status: 200, cache: 'hit' })]);
    const health = (await (await fetch(`${stack.gatewayUrl}/healthz`)).json()) as { caches: Record<string, { hits: number; stored: number }> };
    expect(health.caches.movies).toMatchObject({ hits: expect.any(Number), stored: expect.any(Number) });
    expect(health.caches.movies!.hits).toBeGreaterThanOrEqual(1);
  });

  it('keeps answers apart per identity: a signed-in caller\'s read is not served to another', async () => {
    await resetStats(stack.moviesUrl);
    const query = '{ movie(id: "12") { title } }';
    await gql(stack.gatewayUrl, query, { headers: await bearer('1') });
    await gql(stack.gatewayUrl, query, { headers: await bearer('2') });
    await gql(stack.gatewayUrl, query, { headers: await bearer('2') });
    // The identity headers are part of the key: one call for each caller, the repeat from the cache.
    expect((await statsOf(stack.moviesUrl)).total).toBe(2);
  });

  it('does not keep a service\'s private answers (users: private)', async () => {
    await resetStats(stack.usersUrl);
    const cachedUsers = await startStack({ serviceConfig: { users: { cache: { enabled: true } } } });
    try {
      await gql(cachedUsers.gatewayUrl, '{ user(id: "3") { name } }');
      await gql(cachedUsers.gatewayUrl, '{ user(id: "3") { name } }');
      expect((await statsOf(cachedUsers.usersUrl)).total).toBe(2);
    } finally {
      await cachedUsers.close();
    }
  });
});

describe('what a service says about caching', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ url: string; ifNoneMatch: string | undefined }> = [];
  let cacheControl = 'no-store';
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
      const etag = '"v1"';
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'cache-control': cacheControl }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag, 'cache-control': cacheControl });
      res.end(JSON.stringify([{ id: '1', title: 'Stored' }]));
    });
    url = await listen(server);
  });
  afterAll(() => closeServer(server));
  afterEach(() => {
    seen.length = 0;
  });

  async function twice(control: string, config: Record<string, unknown> = {}): Promise<void> {
    cacheControl = control;
    const stack = await startStack({ moviesUrl: url, serviceConfig: { movies: { cache: { enabled: true, ...config } } } });
    try {
      for (let i = 0; i < 2; i++) expect((await gql(stack.gatewayUrl, '{ movie(id: "1") { title } }')).body.data).toEqual({ movie: { title: 'Stored' } });
    } finally {
      await stack.close();
    }
  }

  it('no-store: every read is a call', async () => {
    await twice('no-store');
    expect(seen).toHaveLength(2);
  });

  it('stale (max-age=0) with an ETag: revalidated with If-None-Match, a 304 answered from the cache', async () => {
    await twice('public, max-age=0');
    expect(seen.map((s) => s.ifNoneMatch)).toEqual([undefined, '"v1"']);
  });

  it('an answer larger than the cache is not kept', async () => {
    await twice('public, max-age=60', { maxBytes: 10 });
    expect(seen).toHaveLength(2);
  });
});

describe('Vary', () => {
  it('keeps one answer per value of the headers a service varies by', async () => {
    const seen: string[] = [];
    const service = createServer((req, res) => {
      seen.push(String(req.headers['accept-language']));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'public, max-age=60', vary: 'accept-language' });
      res.end(JSON.stringify([{ id: '1', title: `in ${String(req.headers['accept-language'])}` }]));
    });
    const url = await listen(service);
    const stack = await startStack({ moviesUrl: url, serviceConfig: { movies: { cache: { enabled: true }, forwardHeaders: ['accept-language'] } } });
    try {
      const ask = async (lang: string) => (await gql(stack.gatewayUrl, '{ movie(id: "1") { title } }', { headers: { 'accept-language': lang } })).body.data;
      expect(await ask('fr')).toEqual({ movie: { title: 'in fr' } });
      expect(await ask('de')).toEqual({ movie: { title: 'in de' } });
      expect(await ask('fr')).toEqual({ movie: { title: 'in fr' } });
      expect(seen).toEqual(['fr', 'de']);
    } finally {
      await stack.close();
      await closeServer(service);
    }
  });
});

describe('coalescing identical calls in flight', () => {
  it('concurrent operations share one call to a slow service', async () => {
    let calls = 0;
    const slow = createServer((_req, res) => {
      calls++;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify([{ id: '1', title: 'Shared' }]));
      }, 100);
    });
    const url = await listen(slow);
    const stack = await startStack({ moviesUrl: url, serviceConfig: { movies: { cache: { enabled: true, coalesce: true } } } });
    try {
      const answers = await Promise.all(Array.from({ length: 5 }, () => gql(stack.gatewayUrl, '{ movie(id: "1") { title } }')));
      for (const a of answers) expect(a.body.data).toEqual({ movie: { title: 'Shared' } });
      expect(calls).toBe(1);
    } finally {
      await stack.close();
      await closeServer(slow);
    }
  });
});
