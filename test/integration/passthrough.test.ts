// The REST passthrough: the example services and an echo upstream behind configured routes, checked for
// methods, bodies, streaming, header hygiene, path traversal, limits, failures and request smuggling.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { connect } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesDigest, startEchoUpstream } from '../harness/echo-upstream.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { repeatUntil } from '../harness/until.ts';

let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
let fault: FaultUpstream;
let stack: Stack;
let host: string;

beforeAll(async () => {
  echo = await startEchoUpstream();
  fault = await startFaultUpstream({ kind: 'status', status: 200, body: { ok: true } });
  stack = await startStack({
    config: {
      passthrough: { maxBodyBytes: 64 * 1024 * 1024 },
      services: {
        echo: { urls: [echo.url], retry: { retries: 0 } },
        flaky: { urls: [fault.url], timeout: '300ms', retry: { retries: 2, baseDelay: '1ms', maxDelay: '1ms', budgetRatio: 10 }, breaker: { volumeThreshold: 1000, resetTimeout: '7s' } },
      },
      routes: [
        { prefix: '/users', service: 'users', access: 'public' },
        { prefix: '/movies', service: 'movies', access: 'public' },
        { prefix: '/echo', service: 'echo', access: 'public' },
        { prefix: '/api/v1/things', service: 'echo', rewrite: '', access: 'public' },
        { prefix: '/legacy', service: 'echo', rewrite: '/v2', access: 'public' },
        { prefix: '/flaky', service: 'flaky', access: 'public' },
      ],
    },
  });
  host = new URL(stack.gatewayUrl).host;
});
afterAll(async () => {
  await stack.close();
  await echo.close();
  await fault.close();
});

/** A request with its path sent exactly as written (fetch would normalise dot segments first). */
function rawRequest(path: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: Number(host.split(':')[1]), path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Sends bytes on a raw socket and returns everything the gateway answers before closing. */
async function rawSocket(text: string): Promise<string> {
  const socket = connect(Number(host.split(':')[1]), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(text);
  let answer = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (answer += c));
  socket.setTimeout(2000, () => socket.destroy());
  await once(socket, 'close');
  return answer;
}

describe('passing requests through to the example services', () => {
  it('answers GET /users/1 exactly as the service does', async () => {
    const direct = await fetch(`${stack.usersUrl}/users/1`);
    const via = await fetch(`${stack.gatewayUrl}/users/1`);
    expect(via.status).toBe(200);
    expect(await via.text()).toBe(await direct.text());
    expect(via.headers.get('content-type')).toBe(direct.headers.get('content-type'));
  });

  it('keeps the query string and passes headers such as X-Total-Count back', async () => {
    const via = await fetch(`${stack.gatewayUrl}/movies?limit=3&offset=6`);
    expect(via.headers.get('x-total-count')).toBe('5000');
    expect((await via.json()).map((m: { id: string }) => m.id)).toEqual(['7', '8', '9']);
  });

  it('passes writes, their statuses and the service\'s errors through unchanged', async () => {
    const created = await fetch(`${stack.gatewayUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Via', email: 'via@example.test' }) });
    expect(created.status).toBe(201);
    const user = await created.json();
    expect(created.headers.get('location')).toBe(`/users/${user.id}`);
    const patched = await fetch(`${stack.gatewayUrl}/users/${user.id}`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"Via 2"}' });
    expect((await patched.json()).name).toBe('Via 2');
    const bad = await fetch(`${stack.gatewayUrl}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":""}' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe('name');
    expect((await fetch(`${stack.gatewayUrl}/users/${user.id}`, { method: 'DELETE' })).status).toBe(200);
    const gone = await fetch(`${stack.gatewayUrl}/users/${user.id}`);
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: { code: 'NOT_FOUND', message: `user ${user.id} not found` } });
  });

  it('answers a path no route covers with the gateway\'s JSON 404', async () => {
    const res = await fetch(`${stack.gatewayUrl}/usersX/1`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('ROUTE_NOT_FOUND');
  });
});

describe('methods, bodies and query strings', () => {
  for (const method of ['GET', 'DELETE', 'OPTIONS', 'POST', 'PUT', 'PATCH']) {
    it(`${method} reaches the service with its path, query and body unchanged`, async () => {
      const body = ['GET', 'DELETE', 'OPTIONS'].includes(method) ? undefined : `{"method":"${method}","n":[1,2,3]}`;
      const res = await fetch(`${stack.gatewayUrl}/echo/a/b?x=1&y=%20two&x=3`, { method, body, headers: body ? { 'content-type': 'application/json' } : {} });
      expect(res.status).toBe(200);
      const seen = await res.json();
      expect(seen.method).toBe(method);
      expect(seen.url).toBe('/echo/a/b?x=1&y=%20two&x=3');
      expect(seen.sha256).toBe(createHash('sha256').update(body ?? '').digest('hex'));
    });
  }

  it('answers Expect: 100-continue itself and passes the body on (curl sends it for large bodies)', async () => {
    const body = JSON.stringify({ big: 'z'.repeat(5000) });
    const res = await rawRequest('/echo/expect', { method: 'POST', headers: { expect: '100-continue', 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }, body });
    expect(res.status).toBe(200);
    const seen = JSON.parse(res.body);
    expect(seen.bytes).toBe(Buffer.byteLength(body));
    expect(seen.headers.expect).toBeUndefined();
  });

  it('HEAD reaches the service and answers with headers only', async () => {
    const res = await fetch(`${stack.gatewayUrl}/echo/head`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-echo')).toBe('yes');
    expect(echo.received.at(-1)?.method).toBe('HEAD');
  });

  it('passes the service\'s status code through', async () => {
    expect((await fetch(`${stack.gatewayUrl}/echo/x?status=418`)).status).toBe(418);
    expect((await fetch(`${stack.gatewayUrl}/echo/x?status=503`)).status).toBe(503);
  });

  it('strips or rewrites the prefix as the route says', async () => {
    expect((await (await fetch(`${stack.gatewayUrl}/api/v1/things/7?q=1`)).json()).url).toBe('/7?q=1');
    expect((await (await fetch(`${stack.gatewayUrl}/api/v1/things`)).json()).url).toBe('/');
    expect((await (await fetch(`${stack.gatewayUrl}/legacy/7`)).json()).url).toBe('/v2/7');
  });
});

describe('streaming', () => {
  it('streams a 50 MB upload through, byte for byte', async () => {
    const size = 50 * 1024 * 1024;
    const hash = createHash('sha256');
    const piece = Buffer.alloc(1024 * 1024, 'upload-');
    async function* chunks() {
      for (let i = 0; i < size / piece.length; i++) {
        hash.update(piece);
        yield piece;
      }
    }
    const res = await fetch(`${stack.gatewayUrl}/echo/upload`, { method: 'PUT', body: Readable.toWeb(Readable.from(chunks())) as ReadableStream, duplex: 'half' } as RequestInit);
    const seen = await res.json();
    expect(seen.bytes).toBe(size);
    expect(seen.sha256).toBe(hash.digest('hex'));
    expect(seen.headers['transfer-encoding']).toBe('chunked');
  });

  it('streams a 50 MB download through, byte for byte, with its Content-Length', async () => {
    const size = 50 * 1024 * 1024;
    const res = await fetch(`${stack.gatewayUrl}/echo/bytes/${size}`);
    expect(res.headers.get('content-length')).toBe(String(size));
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      bytes += chunk.length;
    }
    expect(bytes).toBe(size);
    expect(hash.digest('hex')).toBe(bytesDigest(size));
  });

  it('keeps a chunked answer chunked', async () => {
    const res = await rawRequest('/echo/bytes/300000?chunked');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(Buffer.byteLength(res.body)).toBe(300000);
  });
});

describe('header hygiene', () => {
  it('does not forward hop-by-hop headers, nor those the Connection header names', async () => {
    await rawRequest('/echo/h', {
      headers: { connection: 'keep-alive, x-secret-hop', 'x-secret-hop': 'no', 'keep-alive': 'timeout=5', te: 'trailers', 'proxy-authorization': 'Basic eA==', 'x-kept': 'yes' },
    });
    const seen = echo.received.at(-1)!.headers;
    expect(seen['x-kept']).toBe('yes');
    for (const name of ['x-secret-hop', 'keep-alive', 'te', 'proxy-authorization']) expect(seen[name]).toBeUndefined();
  });

  it('sets X-Forwarded-For, -Proto and -Host from the connection, replacing what the client sent', async () => {
    await rawRequest('/echo/f', { headers: { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'evil.example', forwarded: 'for=203.0.113.9' } });
    const seen = echo.received.at(-1)!.headers;
    expect(seen['x-forwarded-for']).toBe('127.0.0.1');
    expect(seen['x-forwarded-proto']).toBe('http');
    expect(seen['x-forwarded-host']).toBe(host);
    expect(seen.forwarded).toBeUndefined();
  });

  it('sends the request id, and echoes it to the client', async () => {
    const res = await rawRequest('/echo/id');
    expect(echo.received.at(-1)!.headers['x-request-id']).toBe(res.headers['x-request-id']);
  });

  it('removes client copies of the identity headers the gateway owns', async () => {
    await rawRequest('/echo/who', { headers: { 'x-user-id': 'admin', 'x-user-scopes': 'everything' } });
    const seen = echo.received.at(-1)!.headers;
    expect(seen['x-user-id']).toBeUndefined();
    expect(seen['x-user-scopes']).toBeUndefined();
  });

  it('does not pass the service\'s hop-by-hop headers back to the client', async () => {
    const res = await rawRequest('/echo/back');
    expect(res.headers['x-echo']).toBe('yes');
    expect(res.headers['x-hop-secret']).toBeUndefined();
    expect(res.headers['keep-alive']).not.toBe('timeout=60');
  });
});

describe('path traversal', () => {
  const attempts = [
    '/users/..',
    '/users/../graphql',
    '/users/./1',
    '/users/%2e%2e/graphql',
    '/users/%2E%2E/movies/1',
    '/users/.%2e/movies/1',
    '/users/..%2fmovies',
    '/users/%2fmovies',
    '/users/%252e%252e/movies',
    '/users/%5c..%5cmovies',
    '/users\\..\\movies',
    '/users//1',
    '/users/%zz',
    '/users/%c0%ae%c0%ae/movies/1', // overlong UTF-8 dots
    '/users/%e0%80%ae%e0%80%ae/movies/1', // overlong, three bytes
    '/users/%ff/1', // not UTF-8 at all
    '/users/%e2%82/1', // truncated sequence
    '/users/%ed%a0%80/1', // a lone surrogate
    '/users/..;/movies/1', // Tomcat and Spring read this as ".."
    '/users/.;x/1',
    '/users/..;jsessionid=1/movies',
    '/users/1%00.json', // NUL
    '/users/1%0d%0aX-Injected:%20yes', // CR LF
    '/users/1%7f',
    '/users/1%c2%85', // C1 control (NEL)
  ];
  for (const path of attempts) {
    it(`refuses ${path} with 400 and sends nothing on`, async () => {
      const before = await (await fetch(`${stack.usersUrl}/__stats`)).json();
      const res = await rawRequest(path);
      expect(res.status).toBe(400);
      const body = JSON.parse(res.body);
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(/^ambiguous path: |malformed/);
      const after = await (await fetch(`${stack.usersUrl}/__stats`)).json();
      expect(after.total).toBe(before.total);
    });
  }
});

describe('a client that goes away mid-answer', () => {
  it('ends the service\'s streamed answer too, and the breaker does not count it', async () => {
    const endless = await startFaultUpstream({ kind: 'stream' });
    // A long service timeout: only the client's leaving can end the stream within the test.
    const streaming = await startStack({ config: { services: { live: { urls: [endless.url], timeout: '60s' } }, routes: [{ prefix: '/live', service: 'live', access: 'public' }] } });
    try {
      const client = new AbortController();
      const res = await fetch(`${streaming.gatewayUrl}/live/feed`, { signal: client.signal });
      const reader = res.body!.getReader();
      expect((await reader.read()).value?.length).toBeGreaterThan(0); // the answer is flowing
      const cancelled = endless.nextCancelled();
      client.abort();
      await cancelled; // the gateway closed its call to the service
      expect(endless.requests).toHaveLength(1);
      expect(streaming.gateway.upstream.report().live?.[0]?.window.failures).toBe(0);
    } finally {
      await streaming.close();
      await endless.close();
    }
  });
});

describe('limits and failures', () => {
  it('refuses a body whose Content-Length is over the limit with 413, sending nothing on', async () => {
    const small = await startStack({ config: { passthrough: { maxBodyBytes: 1000 }, services: { echo: { urls: [echo.url] } }, routes: [{ prefix: '/echo', service: 'echo', access: 'public' }] } });
    try {
      const count = echo.received.length;
      const res = await fetch(`${small.gatewayUrl}/echo/big`, { method: 'POST', body: 'x'.repeat(2000) });
      expect(res.status).toBe(413);
      expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(echo.received.length).toBe(count);
      const chunked = await fetch(`${small.gatewayUrl}/echo/big`, { method: 'POST', body: Readable.toWeb(Readable.from([Buffer.alloc(600), Buffer.alloc(600)])) as ReadableStream, duplex: 'half' } as RequestInit);
      expect(chunked.status).toBe(413);
      const fits = await fetch(`${small.gatewayUrl}/echo/fits`, { method: 'POST', body: 'x'.repeat(900) });
      expect((await fits.json()).bytes).toBe(900);
    } finally {
      await small.close();
    }
  });

  it('answers 504 with a JSON body when the service does not answer in time', async () => {
    fault.setMode({ kind: 'hang' });
    const res = await fetch(`${stack.gatewayUrl}/flaky/slow`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(504);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: 'GATEWAY_TIMEOUT', message: 'flaky service did not answer in time' });
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers 502 when the service cannot be reached', async () => {
    const dead = await startFaultUpstream();
    const url = dead.url;
    await dead.close();
    const gone = await startStack({ config: { services: { gone: { urls: [url], retry: { retries: 0 } } }, routes: [{ prefix: '/gone', service: 'gone', access: 'public' }] } });
    try {
      const res = await fetch(`${gone.gatewayUrl}/gone/x`);
      expect(res.status).toBe(502);
      expect((await res.json()).error).toMatchObject({ code: 'UPSTREAM_ERROR', message: 'gone service is unreachable' });
    } finally {
      await gone.close();
    }
  });

  it('answers 503 with Retry-After while the service\'s breaker is open, sending nothing on', async () => {
    const down = await startFaultUpstream({ kind: 'status', status: 500 });
    const s = await startStack({
      config: { services: { down: { urls: [down.url], retry: { retries: 0 }, breaker: { volumeThreshold: 2, resetTimeout: '30s' } } }, routes: [{ prefix: '/down', service: 'down', access: 'public' }] },
    });
    try {
      const breaker = s.gateway.upstream.service('down')!.instances[0]!.breaker;
      // The service's own 500s pass through until the breaker opens.
      await repeatUntil(() => breaker.opened, async () => expect((await fetch(`${s.gatewayUrl}/down/x`)).status).toBe(500), 'the breaker opening');
      const seen = down.requests.length;
      const res = await fetch(`${s.gatewayUrl}/down/x`);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('30');
      expect((await res.json()).error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'down service is unavailable (circuit open)' });
      expect(down.requests.length).toBe(seen);
    } finally {
      await s.close();
      await down.close();
    }
  });

  it('retries a GET with no body, and never a POST', async () => {
    fault.setMode({ kind: 'sequence', modes: [{ kind: 'status', status: 503 }, { kind: 'status', status: 200, body: { ok: true } }] });
    let before = fault.requests.length;
    const get = await fetch(`${stack.gatewayUrl}/flaky/r`);
    expect(get.status).toBe(200);
    expect(fault.requests.length - before).toBe(2);
    fault.setMode({ kind: 'status', status: 503 });
    before = fault.requests.length;
    expect((await fetch(`${stack.gatewayUrl}/flaky/r`, { method: 'POST', body: '{"once":true}' })).status).toBe(503);
    expect(fault.requests.length - before).toBe(1);
  });
});

describe('one upstream layer for GraphQL and REST', () => {
  it('a breaker that passthrough failures opened also fails GraphQL fast, and the other way round', async () => {
    const down = await startFaultUpstream({ kind: 'status', status: 500 });
    const s = await startStack({
      moviesUrl: down.url,
      serviceConfig: { movies: { retry: { retries: 0 }, breaker: { volumeThreshold: 2, resetTimeout: '30s' } } },
    });
    try {
      const breaker = s.gateway.upstream.service('movies')!.instances[0]!.breaker;
      await repeatUntil(() => breaker.opened, () => fetch(`${s.gatewayUrl}/movies/1`), 'the breaker opening'); // failures through the passthrough only
      const seen = down.requests.length;
      const res = await fetch(`${s.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ movie(id: \\"1\\") { id } }"}' });
      expect((await res.json()).errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
      expect((await fetch(`${s.gatewayUrl}/movies?limit=1`)).status).toBe(503);
      expect(down.requests.length).toBe(seen);
    } finally {
      await s.close();
      await down.close();
    }
  });
});

describe('request heads', () => {
  it('refuses a request head over the limit with 431 and a JSON body', async () => {
    const answer = await rawSocket(`GET /echo/h HTTP/1.1\r\nHost: g\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer).toContain('request head too large');
  });

  it('replaces the client\'s X-Request-Id when the gateway is configured not to trust it', async () => {
    const s = await startStack({ config: { trustRequestId: false, services: { echo: { urls: [echo.url] } }, routes: [{ prefix: '/echo', service: 'echo', access: 'public' }] } });
    try {
      const res = await fetch(`${s.gatewayUrl}/echo/id`, { headers: { 'x-request-id': 'client-chosen' } });
      expect(res.headers.get('x-request-id')).not.toBe('client-chosen');
      expect(echo.received.at(-1)!.headers['x-request-id']).toBe(res.headers.get('x-request-id'));
    } finally {
      await s.close();
    }
  });
});

describe('slow clients', () => {
  it('starts the service\'s timeout once a slow upload is in, so the upload is not cut', async () => {
    const s = await startStack({ config: { services: { echo: { urls: [echo.url], timeout: '200ms' } }, routes: [{ prefix: '/echo', service: 'echo', access: 'public' }] } });
    try {
      const piece = Buffer.alloc(64 * 1024, 'slow-');
      async function* chunks() {
        // Six pieces 100 ms apart: the upload takes longer than the service's whole timeout.
        for (let i = 0; i < 6; i++) {
          await new Promise((r) => setTimeout(r, 100));
          yield piece;
        }
      }
      const res = await fetch(`${s.gatewayUrl}/echo/slow-upload`, { method: 'PUT', body: Readable.toWeb(Readable.from(chunks())) as ReadableStream, duplex: 'half' } as RequestInit);
      expect(res.status).toBe(200);
      expect((await res.json()).bytes).toBe(6 * piece.length);
    } finally {
      await s.close();
    }
  });

  it('answers 408 with a JSON body to a client that does not send its whole request within requestTimeout', async () => {
    const s = await startStack({ config: { requestTimeout: '300ms', services: { echo: { urls: [echo.url] } }, routes: [{ prefix: '/echo', service: 'echo', access: 'public' }] } });
    try {
      const socket = connect(Number(new URL(s.gatewayUrl).port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write('PUT /echo/stalled HTTP/1.1\r\nHost: g\r\nContent-Length: 100\r\n\r\nonly-part-of-it');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (answer += c));
      await once(socket, 'close');
      expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).error.code).toBe('REQUEST_TIMEOUT');
    } finally {
      await s.close();
    }
  });
});

describe('request smuggling shapes on a raw socket', () => {
  const shapes: Record<string, string> = {
    'Content-Length with Transfer-Encoding': 'POST /echo/s HTTP/1.1\r\nHost: g\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /echo/smuggled HTTP/1.1\r\nHost: g\r\n\r\n',
    'two different Content-Lengths': 'POST /echo/s HTTP/1.1\r\nHost: g\r\nContent-Length: 4\r\nContent-Length: 40\r\n\r\nabcdGET /echo/smuggled HTTP/1.1\r\nHost: g\r\n\r\n',
    'an obfuscated Transfer-Encoding': 'POST /echo/s HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\nGET /echo/smuggled HTTP/1.1\r\nHost: g\r\n\r\n',
    'Transfer-Encoding with chunked not last': 'POST /echo/s HTTP/1.1\r\nHost: g\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\nGET /echo/smuggled HTTP/1.1\r\nHost: g\r\n\r\n',
    'a space before the colon': 'POST /echo/s HTTP/1.1\r\nHost: g\r\nContent-Length : 4\r\n\r\nabcdGET /echo/smuggled HTTP/1.1\r\nHost: g\r\n\r\n',
  };
  for (const [name, text] of Object.entries(shapes)) {
    it(`refuses ${name} with 400 and forwards nothing`, async () => {
      const before = echo.received.length;
      const answer = await rawSocket(text);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"BAD_REQUEST"');
      expect(echo.received.slice(before).map((e) => e.url)).not.toContain('/echo/smuggled');
      expect(echo.received.length).toBe(before);
    });
  }
});
