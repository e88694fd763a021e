// Compression of what the gateway serves: GraphQL answers above the threshold in the encoding the client
// prefers (the bytes decompress to the same answer), small ones and the passthrough as they are, and
// GraphiQL as a small page plus files named by hash, cached for a year, revalidated by ETag.
import { request } from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENCODINGS } from '../../src/http/compression.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request whose answer is read as bytes, undecoded (fetch would decompress it). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const DECODE: Record<string, (b: Buffer) => Buffer> = { gzip: zlib.gunzipSync, br: zlib.brotliDecompressSync, zstd: (b) => zlib.zstdDecompressSync(b) };
const BIG = JSON.stringify({ query: '{ users(limit: 50) { id name email favoriteMovies { id title } } }' });
const SMALL = JSON.stringify({ query: '{ __typename }' });

describe('compression', () => {
  let stack: Stack;
  let graphql: string;
  beforeAll(async () => {
    stack = await startStack();
    graphql = `${stack.gatewayUrl}/graphql`;
  });
  afterAll(() => stack.close());
  const post = (body: string, acceptEncoding?: string) => raw(graphql, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(acceptEncoding && { 'accept-encoding': acceptEncoding }) } });

  it('compresses a large answer in each encoding the client accepts; each decodes to the same answer', async () => {
    const plain = await post(BIG);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(5000);
    const answer = (JSON.parse(plain.body.toString('utf8')) as { data: { users: unknown[] } }).data; // extensions (dev mode) hold timings
    expect(answer.users).toHaveLength(50);
    for (const encoding of ENCODINGS) {
      const packed = await post(BIG, encoding);
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.headers.vary).toContain('Accept-Encoding');
      expect(Number(packed.headers['content-length'])).toBe(packed.body.length);
      expect(packed.body.length).toBeLessThan(plain.body.length / 3);
      expect(JSON.parse(DECODE[encoding]!(packed.body).toString('utf8')).data).toEqual(answer);
    }
  });

  it('follows the client\'s preferences (q-values, identity) and prefers the better encoding on a tie', async () => {
    expect((await post(BIG, 'gzip;q=1, br;q=0.5')).headers['content-encoding']).toBe('gzip');
    expect((await post(BIG, 'gzip, deflate, br')).headers['content-encoding']).toBe('br');
    expect((await post(BIG, 'identity')).headers['content-encoding']).toBeUndefined();
    expect((await post(BIG, 'deflate')).headers['content-encoding']).toBeUndefined();
  });

  it('a GET answer says it varies by Accept-Encoding even when sent as it is (a cache may keep it)', async () => {
    const query = encodeURIComponent('{ users(limit: 50) { id name email } }');
    const res = await raw(`${graphql}?query=${query}`, { headers: { accept: 'application/json', 'graphql-preflight': '1' } });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toContain('Accept-Encoding');
  });

  it('sends an answer under the threshold as it is', async () => {
    const small = await post(SMALL, 'gzip, br');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8')).data).toEqual({ __typename: 'Query' });
  });

  it('never compresses the passthrough: the service\'s body goes through untouched', async () => {
    const direct = await raw(`${stack.usersUrl}/users?limit=50`, { headers: { 'accept-encoding': 'gzip, br' } });
    const through = await raw(`${stack.gatewayUrl}/users?limit=50`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(through.status).toBe(200);
    expect(through.headers['content-encoding']).toBe(direct.headers['content-encoding']);
    expect(through.body.equals(direct.body)).toBe(true);
  });

  it('compression.enabled: false sends every answer as it is', async () => {
    const off = await startStack({ config: { compression: { enabled: false } } });
    try {
      const res = await raw(`${off.gatewayUrl}/graphql`, { method: 'POST', body: BIG, headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' } });
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});

describe('GraphiQL: a small page and its files, cached and compressed once', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack.close());

  it('serves the page small, linking its script, style and workers by hash', async () => {
    const page = await raw(`${stack.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const html = page.body.toString('utf8');
    expect(page.body.length).toBeLessThan(200_000); // the favicon is inline; the 9 MB of script are not
    const files = [...html.matchAll(/\/graphql\/assets\/[\w.-]+/g)].map((m) => m[0]);
    expect(new Set(files).size).toBe(5); // script, style, three editor workers
    for (const file of new Set(files)) {
      const res = await raw(`${stack.gatewayUrl}${file}`);
      expect(res.status, file).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(res.headers.etag).toMatch(/^"[\w-]{16}"$/);
      expect(file).toContain(String(res.headers.etag).slice(1, -1));
    }
  });

  it('each file: 304 for a known ETag, the preferred encoding decoding to the same bytes, HEAD with no body, 404 for an unknown name', async () => {
    const html = (await raw(`${stack.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } })).body.toString('utf8');
    const script = /\/graphql\/assets\/graphiql\.[\w-]+\.js/.exec(html)![0];
    const plain = await raw(`${stack.gatewayUrl}${script}`);
    expect(plain.headers['content-type']).toContain('javascript');
    expect(plain.body.length).toBeGreaterThan(1_000_000);
    const revalidated = await raw(`${stack.gatewayUrl}${script}`, { headers: { 'if-none-match': String(plain.headers.etag) } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
    for (const encoding of ENCODINGS) {
      const packed = await raw(`${stack.gatewayUrl}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.body.length).toBeLessThan(plain.body.length / 3);
      expect(DECODE[encoding]!(packed.body).equals(plain.body)).toBe(true);
    }
    const head = await raw(`${stack.gatewayUrl}${script}`, { method: 'HEAD', headers: { 'accept-encoding': 'br' } });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    const missing = await raw(`${stack.gatewayUrl}/graphql/assets/nope.js`);
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString('utf8')).error.code).toBe('ROUTE_NOT_FOUND');
  });
});
