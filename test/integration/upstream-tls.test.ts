// TLS to services: an https:// service with a certificate from a private CA, verified against the CA
// the configuration names (and refused without it); a service that requires a client certificate
// (mTLS), served with the gateway's and refused without; a renewed certificate picked up by a reload;
// and start-up errors for a file that cannot be read and a key that does not match its certificate.
// Real TLS servers on port 0, certificates made for the test (harness/certificates.ts).
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import { makeCertificates, type TestCertificates } from '../harness/certificates.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { ROOT, testConfig } from '../harness/start-stack.ts';

const ECHO_SDL = join(ROOT, 'test/fixtures/echo.graphql');
let certs: TestCertificates;

/** An https service that answers who called it: whether the connection was TLS, and the client certificate's CN. */
function startSecureService(options: { requireClientCert: boolean }): Promise<{ server: Server; url: string; seen: Array<{ cn: string | undefined }> }> {
  const seen: Array<{ cn: string | undefined }> = [];
  const server = createServer({ cert: certs.server.cert.pem, key: certs.server.key.pem, ca: certs.ca.pem, requestCert: options.requireClientCert, rejectUnauthorized: options.requireClientCert }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const cn = peer && 'subject' in peer ? (peer.subject?.CN as string | undefined) : undefined;
    seen.push({ cn });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: `${req.url} over tls${cn ? ` as ${cn}` : ''}` }));
  });
  return listen(server).then((url) => ({ server, url: url.replace('http://', 'https://'), seen }));
}

const gatewayFor = async (url: string, tls: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}): Promise<{ gateway: Gateway; url: string }> => {
  const gateway = createGateway(testConfig({ secure: { urls: [url], schema: ECHO_SDL, retry: { retries: 0 }, ...(tls && { tls }) } }, extra));
  return { gateway, url: await gateway.listen() };
};

/** A secure service for the describe block it is called in, started before its tests and closed after. */
function secureServiceFor(options: { requireClientCert: boolean }): () => Awaited<ReturnType<typeof startSecureService>> {
  let service: Awaited<ReturnType<typeof startSecureService>> | undefined;
  beforeAll(async () => {
    service = await startSecureService(options);
  });
  afterAll(() => closeServer(service!.server));
  return () => service!;
}

beforeAll(() => {
  certs = makeCertificates();
});

describe('a service behind TLS with a private CA', () => {
  const secure = secureServiceFor({ requireClientCert: false });

  it('is called over TLS when the configuration names the CA', async () => {
    const { gateway, url } = await gatewayFor(secure().url, { ca: certs.ca.file });
    try {
      const { body } = await gql(url, '{ echo { url } }');
      expect(body.errors).toBeUndefined();
      expect(body.data.echo.url).toBe('/whoami over tls');
    } finally {
      await gateway.close();
    }
  });

  it('is refused, with a coded error naming it, when its certificate is not from a trusted CA', async () => {
    for (const tls of [undefined, { ca: certs.otherCa.file }]) {
      const before = secure().seen.length;
      const { gateway, url } = await gatewayFor(secure().url, tls);
      try {
        const { body } = await gql(url, '{ echo { url } }');
        expect(body.data).toEqual({ echo: null });
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'secure' });
        expect(secure().seen.length).toBe(before); // no request got through
      } finally {
        await gateway.close();
      }
    }
  });

  it('reads the files again at a reload: the same files keep the pools, changed ones make new ones', async () => {
    const ca = join(certs.dir, 'reloaded-ca.crt');
    copyFileSync(certs.ca.file, ca);
    const config = testConfig({ secure: { urls: [secure().url], schema: ECHO_SDL, retry: { retries: 0 }, tls: { ca } } });
    const gateway = createGateway(config);
    try {
      const url = await gateway.listen();
      expect((await gql(url, '{ echo { url } }')).body.data.echo.url).toBe('/whoami over tls');
      const first = gateway.upstream.service('secure')!.instances[0];
      gateway.reload(config);
      expect(gateway.upstream.service('secure')!.instances[0]).toBe(first);
      copyFileSync(certs.otherCa.file, ca); // the CA file replaced: the service's certificate is no longer trusted
      gateway.reload(config);
      expect(gateway.upstream.service('secure')!.instances[0]).not.toBe(first);
      expect((await gql(url, '{ echo { url } }')).body.errors?.[0]?.extensions?.code).toBe('UPSTREAM_ERROR');
    } finally {
      await gateway.close();
    }
  });

  it('checks the name the configuration gives instead of the URL\'s host', async () => {
    const { gateway, url } = await gatewayFor(secure().url, { ca: certs.ca.file, servername: 'elsewhere.example' });
    try {
      const { body } = await gql(url, '{ echo { url } }');
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'secure' });
    } finally {
      await gateway.close();
    }
  });
});

describe('a service that requires a client certificate (mTLS)', () => {
  const secure = secureServiceFor({ requireClientCert: true });

  it('serves the gateway with its certificate, GraphQL and passthrough alike', async () => {
    const tls = { ca: certs.ca.file, cert: certs.client.cert.file, key: certs.client.key.file };
    const { gateway, url } = await gatewayFor(secure().url, tls, { routes: [{ prefix: '/secure', service: 'secure', access: 'public' }] });
    try {
      const { body } = await gql(url, '{ echo { url } }');
      expect(body.data.echo.url).toBe('/whoami over tls as gateway');
      expect(secure().seen.at(-1)).toEqual({ cn: 'gateway' });
      const passthrough = await fetch(`${url}/secure/things?x=1`);
      expect(passthrough.status).toBe(200);
      expect(((await passthrough.json()) as { url: string }).url).toBe('/secure/things?x=1 over tls as gateway');
    } finally {
      await gateway.close();
    }
  });

  it('refuses the gateway without one', async () => {
    const before = secure().seen.length;
    const { gateway, url } = await gatewayFor(secure().url, { ca: certs.ca.file });
    try {
      const { body } = await gql(url, '{ echo { url } }');
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'UPSTREAM_ERROR', service: 'secure' });
      expect(secure().seen.length).toBe(before);
    } finally {
      await gateway.close();
    }
  });
});

describe('start-up errors', () => {
  const build = (tls: Record<string, unknown>) => () => createGateway(testConfig({ secure: { urls: ['https://127.0.0.1:9'], schema: ECHO_SDL, tls } }));

  it('name the file that cannot be read', () => {
    expect(build({ ca: join(certs.dir, 'missing.crt') })).toThrow(`services.secure.tls.ca: cannot read ${join(certs.dir, 'missing.crt')} (ENOENT)`);
  });

  it('say when the key does not match the certificate', () => {
    expect(build({ cert: certs.client.cert.file, key: certs.strayKey.file })).toThrow(`services.secure.tls: the key ${certs.strayKey.file} does not match the certificate ${certs.client.cert.file}`);
  });

  it('refuse a file that is not PEM', () => {
    expect(build({ ca: ECHO_SDL })).toThrow(`services.secure.tls.ca: ${ECHO_SDL} is not a PEM file (expected -----BEGIN CERTIFICATE-----)`);
  });

  it('refuse tls on a service with no https:// instance, and half a client certificate', () => {
    expect(() => testConfig({ plain: { urls: ['http://127.0.0.1:9'], schema: ECHO_SDL, tls: { ca: certs.ca.file } } })).toThrow(/services\/plain\/tls: tls applies to https:\/\/ instance URLs/);
    expect(() => testConfig({ secure: { urls: ['https://127.0.0.1:9'], schema: ECHO_SDL, tls: { cert: certs.client.cert.file } } })).toThrow(/services\/secure\/tls\/key: a client certificate needs both cert and key/);
  });
});
