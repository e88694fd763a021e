// TLS at the edge: HTTPS on the main port with HTTP/2 negotiated by ALPN and HTTP/1.1 still served;
// GraphQL, GraphiQL, the health endpoints and the passthrough (10 MB streamed up and down) over HTTP/2;
// Strict-Transport-Security; the plain-HTTP listener that only redirects; X-Forwarded-Proto telling the
// truth; a renewed certificate served to new connections after a reload while an open HTTP/2 session goes
// on; start-up errors for bad certificate files. Certificates from a throwaway CA (harness/certificates.ts).
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type ClientHttp2Session } from 'node:http2';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/create-gateway.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { GatewayConfig } from '../../src/config/config-schema.ts';
import { makeCertificates, renewServerCertificate, type TestCertificates } from '../harness/certificates.ts';
import { bytesDigest, startEchoUpstream } from '../harness/echo-upstream.ts';
import { startFaultUpstream } from '../harness/fault-upstream.ts';
import { schemaFile, startStack, testConfig, type Stack } from '../harness/start-stack.ts';

let certs: TestCertificates;
let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
let stack: Stack;
let certFile: string;
let keyFile: string;

interface H2Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One request on an HTTP/2 session; `body` is written in 64 KiB chunks (no content-length: streamed). */
function h2(session: ClientHttp2Session, path: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer } = {}): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': options.method ?? 'GET', ':path': path, ...options.headers }, { endStream: !options.body });
    const chunks: Buffer[] = [];
    let status = 0;
    let headers: H2Answer['headers'] = {};
    stream.on('response', (h) => {
      status = Number(h[':status']);
      headers = h as H2Answer['headers'];
    });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    if (options.body) {
      const body = options.body;
      let at = 0;
      const write = (): void => {
        while (at < body.length) {
          const ok = stream.write(body.subarray(at, (at += 64 * 1024)));
          if (!ok) return void stream.once('drain', write);
        }
        stream.end();
      };
      write();
    }
  });
}

const session = (url: string): ClientHttp2Session => connect(url, { ca: certs.ca.pem });
const json = (a: H2Answer): any => JSON.parse(a.body.toString('utf8'));

const warnings: string[] = [];
process.on('warning', (w) => warnings.push(`${w.name}: ${w.message}`));

beforeAll(async () => {
  certs = makeCertificates();
  // The gateway reads copies, which the reload test replaces.
  certFile = join(certs.dir, 'gateway.crt');
  keyFile = join(certs.dir, 'gateway.key');
  copyFileSync(certs.server.cert.file, certFile);
  copyFileSync(certs.server.key.file, keyFile);
  echo = await startEchoUpstream();
  stack = await startStack({
    config: {
      tls: { cert: certFile, key: keyFile, hsts: { maxAge: '1d' }, redirectPort: 0 },
      passthrough: { maxBodyBytes: '16MiB' },
      services: { echo: { urls: [echo.url] } },
      routes: [
        { prefix: '/users', service: 'users', access: 'public' },
        { prefix: '/echo', service: 'echo', access: 'public' },
      ],
    },
  });
});
afterAll(async () => {
  await stack?.close();
  await echo?.close();
});

describe('over HTTP/2', () => {
  it('answers GraphQL, with Strict-Transport-Security, on a session ALPN made h2', async () => {
    expect(stack.gatewayUrl).toMatch(/^https:\/\//);
    const client = session(stack.gatewayUrl);
    try {
      const body = Buffer.from(JSON.stringify({ query: '{ user(id: "1") { name favoriteMovies { title } } }' }));
      // A GraphQL POST declares its size, over HTTP/2 as over HTTP/1.1 (411 otherwise).
      const answer = await h2(client, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(body.length) }, body });
      expect(answer.status).toBe(200);
      expect(json(answer).data.user.name).toMatch(/\S/);
      expect(answer.headers['strict-transport-security']).toBe('max-age=86400');
      expect((client.socket as TLSSocket).alpnProtocol).toBe('h2');
      expect(client.remoteSettings.maxConcurrentStreams).toBe(100); // one connection, at most 100 requests in flight
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      expect(warnings).toEqual([]); // no "status message is not supported by HTTP/2" on stderr
    } finally {
      client.close();
    }
  });

  it('refuses a GraphQL POST that does not declare its size, with a coded answer', async () => {
    const client = session(stack.gatewayUrl);
    try {
      const answer = await h2(client, '/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.from('{"query":"{ __typename }"}') });
      expect(answer.status).toBe(411);
      expect(json(answer).errors[0].extensions.code).toBe('LENGTH_REQUIRED');
    } finally {
      client.close();
    }
  });

  it('serves GraphiQL and the health endpoints', async () => {
    const client = session(stack.gatewayUrl);
    try {
      const page = await h2(client, '/graphql', { headers: { accept: 'text/html' } });
      expect(page.status).toBe(200);
      expect(page.body.toString()).toContain('<html');
      expect((await h2(client, '/healthz')).status).toBe(200);
      expect((await h2(client, '/readyz')).status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('streams 10 MB up through the passthrough, and 10 MB down, intact, telling the service it was HTTPS', async () => {
    const client = session(stack.gatewayUrl);
    try {
      const upload = randomBytes(10 * 1024 * 1024);
      const up = await h2(client, '/echo/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: upload });
      expect(up.status).toBe(200);
      const seen = json(up);
      expect(seen.bytes).toBe(upload.length);
      expect(seen.sha256).toBe(createHash('sha256').update(upload).digest('hex'));
      expect(seen.headers['x-forwarded-proto']).toBe('https');
      expect(Object.keys(seen.headers).filter((h: string) => h.startsWith(':'))).toEqual([]); // no pseudo-header passed on
      const n = 10 * 1024 * 1024;
      const down = await h2(client, `/echo/bytes/${n}`);
      expect(down.status).toBe(200);
      expect(down.body.length).toBe(n);
      expect(createHash('sha256').update(down.body).digest('hex')).toBe(bytesDigest(n));
    } finally {
      client.close();
    }
  });
});

describe('limits over HTTP/2', () => {
  it('refuses a streamed body over passthrough.maxBodyBytes with a coded 413, and goes on serving the session', async () => {
    const client = session(stack.gatewayUrl);
    try {
      const answer = await h2(client, '/echo/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: Buffer.alloc(17 * 1024 * 1024, 1) });
      expect(answer.status).toBe(413);
      expect(json(answer).error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((await h2(client, '/healthz')).status).toBe(200);
    } finally {
      client.close();
    }
  });
});

describe('the drain over HTTP/2', () => {
  it('sends GOAWAY: the stream in flight finishes, no new one starts, and the drain ends', async () => {
    const slow = await startFaultUpstream({ kind: 'delay', ms: 300, then: { kind: 'status', status: 200, body: { slow: true } } });
    const gateway = createGateway(testConfig(
      { users: { urls: ['http://127.0.0.1:9'], schema: schemaFile('users') }, movies: { urls: ['http://127.0.0.1:9'], schema: schemaFile('movies') }, slow: { urls: [slow.url] } },
      { tls: { cert: certs.server.cert.file, key: certs.server.key.file }, routes: [{ prefix: '/slow', service: 'slow', access: 'public' }] },
    ));
    const url = await gateway.listen();
    const client = session(url);
    try {
      const goaway = new Promise<void>((resolve) => client.once('goaway', () => resolve()));
      const arrived = slow.nextRequest();
      const inFlight = h2(client, '/slow/thing');
      await arrived;
      const drained = gateway.drain({ delayMs: 0, timeoutMs: 5_000 });
      await goaway;
      const answer = await inFlight;
      expect(answer.status).toBe(200);
      expect(json(answer)).toEqual({ slow: true });
      await drained;
      expect(slow.requests).toHaveLength(1);
    } finally {
      client.destroy();
      await gateway.close();
      await slow.close();
    }
  });
});

describe('over HTTP/1.1', () => {
  it('still answers GraphQL on the same port', async () => {
    const post = (): Promise<{ status: number; body: string; alpn: string | false | null }> =>
      new Promise((resolve, reject) => {
        const req = httpsRequest(`${stack.gatewayUrl}/graphql`, { method: 'POST', ca: certs.ca.pem, headers: { 'content-type': 'application/json' } }, (res) => {
          const alpn = (res.socket as TLSSocket).alpnProtocol;
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body, alpn }));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ query: '{ movie(id: "2") { title } }' }));
      });
    const answer = await post();
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).data.movie.title).toMatch(/\S/);
    expect(answer.alpn).not.toBe('h2');
  });
});

describe('the plain-HTTP listener', () => {
  it('only redirects to HTTPS, keeping the path and query', async () => {
    const port = (stack.gateway.redirectServer!.address() as { port: number }).port;
    const httpsPort = new URL(stack.gatewayUrl).port;
    const answer = await new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
      httpRequest(`http://127.0.0.1:${port}/graphql?query=%7B__typename%7D`, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, location: res.headers.location });
      }).on('error', reject).end();
    });
    expect(answer).toEqual({ status: 308, location: `https://127.0.0.1:${httpsPort}/graphql?query=%7B__typename%7D` });
  });
});

describe('a renewed certificate', () => {
  it('is served to new connections after a reload, while an open HTTP/2 session goes on', async () => {
    const peerSerial = (client: ClientHttp2Session): string => (client.socket as TLSSocket).getPeerCertificate().serialNumber;
    const old = session(stack.gatewayUrl);
    try {
      expect((await h2(old, '/healthz')).status).toBe(200);
      const before = peerSerial(old);
      const renewed = renewServerCertificate(certs, 'renewed');
      copyFileSync(renewed.cert.file, certFile);
      copyFileSync(renewed.key.file, keyFile);
      stack.gateway.reload(reloadedConfig());
      const fresh = session(stack.gatewayUrl);
      try {
        expect((await h2(fresh, '/healthz')).status).toBe(200);
        expect(peerSerial(fresh)).not.toBe(before);
        expect(peerSerial(fresh)).toBe(new (await import('node:crypto')).X509Certificate(readFileSync(certFile)).serialNumber);
      } finally {
        fresh.close();
      }
      // The open session was not dropped.
      expect((await h2(old, '/healthz')).status).toBe(200);
      expect(peerSerial(old)).toBe(before);
    } finally {
      old.close();
    }
  });
});

/** The stack's configuration, for a reload (the files it names are read again). */
function reloadedConfig(): GatewayConfig {
  return testConfig(
    { users: { urls: [stack.usersUrl], schema: schemaFile('users') }, movies: { urls: [stack.moviesUrl], schema: schemaFile('movies') }, echo: { urls: [echo.url] } },
    { tls: { cert: certFile, key: keyFile, hsts: { maxAge: '1d' }, redirectPort: 0 }, passthrough: { maxBodyBytes: '16MiB' }, routes: [{ prefix: '/users', service: 'users', access: 'public' }, { prefix: '/echo', service: 'echo', access: 'public' }] },
  );
}

describe('start-up errors', () => {
  const services = { users: { urls: ['http://127.0.0.1:9'], schema: schemaFile('users') }, movies: { urls: ['http://127.0.0.1:9'], schema: schemaFile('movies') } };
  const build = (tls: Record<string, unknown>) => () => createGateway(testConfig(services, { tls }));

  it('takes the files from TLS_CERT_FILE and TLS_KEY_FILE', () => {
    const config = loadConfig({ envFile: false, env: { TLS_CERT_FILE: certs.server.cert.file, TLS_KEY_FILE: certs.server.key.file }, overrides: { services } });
    expect(config.tls).toEqual({ cert: certs.server.cert.file, key: certs.server.key.file, http2: true });
  });

  it('name a file that cannot be read, and a key that is not the certificate\'s', () => {
    expect(build({ cert: certs.server.cert.file, key: join(certs.dir, 'nope.key') })).toThrow(`tls.key: cannot read ${join(certs.dir, 'nope.key')} (ENOENT)`);
    expect(build({ cert: certs.server.cert.file, key: certs.strayKey.file })).toThrow(`tls: the key ${certs.strayKey.file} does not match the certificate ${certs.server.cert.file}`);
    expect(() => testConfig(services, { tls: { cert: certs.server.cert.file } })).toThrow(/tls\/key: HTTPS needs both cert and key \(TLS_CERT_FILE, TLS_KEY_FILE\)/);
  });
});
