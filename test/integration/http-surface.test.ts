// The gateway's HTTP surface: GraphiQL served offline, the landing response, JSON 404s, request ids,
// secure defaults (no CORS unless configured, JSON-only POSTs, no mutations over GET, body size limit).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql } from '../harness/graphql-client.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ config: { graphql: { maxBodyBytes: 4096 } } });
});
afterAll(() => stack.close());

describe('GraphiQL and the landing response', () => {
  it('serves GraphiQL to a browser on /graphql with every asset inlined (no CDN)', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<title>Gateway GraphiQL</title>');
    expect(html).toContain('renderYogaGraphiQL');
    // Every script and stylesheet is inline: no src= or href= pointing at another host.
    expect(html).not.toMatch(/<script[^>]+src=["']https?:/i);
    expect(html).not.toMatch(/<link[^>]+href=["']https?:/i);
    expect(html).not.toMatch(/unpkg\.com|cdn\.jsdelivr\.net/);
  });

  it('answers / with JSON naming the endpoints, and with HTML for a browser', async () => {
    const json = await fetch(`${stack.gatewayUrl}/`);
    expect(await json.json()).toMatchObject({ graphql: '/graphql', health: '/healthz', services: ['users', 'movies'] });
    const html = await fetch(`${stack.gatewayUrl}/`, { headers: { accept: 'text/html' } });
    expect(await html.text()).toContain('<a href="/graphql">GraphiQL</a>');
  });

  it('serves no GraphiQL when it is turned off (the production preset)', async () => {
    const prod = await startStack({ config: { graphql: { graphiql: false } } });
    try {
      const res = await fetch(`${prod.gatewayUrl}/graphql`, { headers: { accept: 'text/html' } });
      expect(await res.text()).not.toContain('renderYogaGraphiQL');
    } finally {
      await prod.close();
    }
  });
});

describe('routes and request ids', () => {
  it('answers an unknown path with a JSON 404 carrying the request id', async () => {
    const res = await fetch(`${stack.gatewayUrl}/no/such/path`);
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'no route for GET /no/such/path', requestId: res.headers.get('x-request-id') } });
  });

  it('mints a request id when the caller sends none or a malformed one', async () => {
    const minted = await fetch(`${stack.gatewayUrl}/healthz`);
    expect(minted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const bad = await fetch(`${stack.gatewayUrl}/healthz`, { headers: { 'x-request-id': 'has spaces and <html>' } });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('reports health with every service instance and its breaker state', async () => {
    const instance = (url: string) => ({ url, breaker: 'closed', pending: 0, window: expect.objectContaining({ failures: 0 }) });
    expect(await (await fetch(`${stack.gatewayUrl}/healthz`)).json()).toEqual({ status: 'ok', services: { users: [instance(stack.usersUrl)], movies: [instance(stack.moviesUrl)] }, rateLimit: { store: 'off' } });
  });

  it('is ready when every service has an instance that answers', async () => {
    const res = await fetch(`${stack.gatewayUrl}/readyz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ready', schema: 'built' });
    expect(body.services.users).toEqual([expect.objectContaining({ url: stack.usersUrl, reachable: true, breaker: 'closed' })]);
    expect(body.services.movies).toEqual([expect.objectContaining({ url: stack.moviesUrl, reachable: true, breaker: 'closed' })]);
  });

  it('is not ready (503) while a service has no instance that answers, and says which', async () => {
    const gone = await startStack();
    const moviesUrl = gone.moviesUrl;
    await gone.close();
    const stackWithoutMovies = await startStack({ moviesUrl });
    try {
      const res = await fetch(`${stackWithoutMovies.gatewayUrl}/readyz`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'unavailable', unavailable: ['movies'] });
      expect(body.services.movies).toEqual([expect.objectContaining({ url: moviesUrl, reachable: false })]);
    } finally {
      await stackWithoutMovies.close();
    }
  });
});

describe('secure defaults', () => {
  it('sends no CORS headers to an unlisted origin', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows a configured origin', async () => {
    const cors = await startStack({ config: { cors: { origins: ['https://app.example', 'https://admin.example'] } } });
    try {
      const allowed = await fetch(`${cors.gatewayUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      const other = await fetch(`${cors.gatewayUrl}/graphql`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      expect(other.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
      // A refusal of a bad token reaches the page too, with the headers it needs to read.
      const refused = await fetch(`${cors.gatewayUrl}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://app.example', 'content-type': 'application/json', authorization: 'Bearer not.a.token' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(refused.status).toBe(401);
      expect(refused.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(refused.headers.get('access-control-expose-headers')).toContain('www-authenticate');
      expect(refused.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    } finally {
      await cors.close();
    }
  });

  it('refuses a form-urlencoded POST (no CSRF through HTML forms) with 415', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'query=mutation%7BdeleteUser(id%3A%221%22)%7Bid%7D%7D',
    });
    expect(res.status).toBe(415);
    expect((await res.json()).errors[0].extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect((await (await fetch(`${stack.usersUrl}/users/1`)).json()).id).toBe('1');
  });

  it('refuses a mutation sent with GET', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql?query=${encodeURIComponent('mutation { deleteUser(id: "2") { id } }')}`, { headers: { accept: 'application/json', 'x-graphql-csrf': '1' } });
    expect(res.status).toBe(405);
    expect((await (await fetch(`${stack.usersUrl}/users/2`)).json()).id).toBe('2');
  });

  it('refuses a body over the configured size with 413, before reading it', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ users { id } } # ${'x'.repeat(5000)}` }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a GraphQL POST that does not declare its size (chunked) with 411', async () => {
    const { request } = await import('node:http');
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('{"query":');
      req.end('"{ __typename }"}');
    });
    expect(answer.status).toBe(411);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe('LENGTH_REQUIRED');
  });

  it('accepts a body just under the limit', async () => {
    const query = `{ users(limit: 1) { id } } #`;
    const padding = 4096 - JSON.stringify({ query }).length - 10;
    const { body } = await gql(stack.gatewayUrl, `${query}${'x'.repeat(padding)}`);
    expect(body.data.users).toEqual([{ id: '1' }]);
  });

  it('answers malformed JSON with a coded 400, not a crash', async () => {
    const res = await fetch(`${stack.gatewayUrl}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].message).toMatch(/JSON/);
    expect(JSON.stringify(body)).not.toMatch(/\bat .*:\d+:\d+/);
  });

  it('answers a query for a field that does not exist with a validation error', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ nope }');
    expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('dev-mode extensions', () => {
  it('are left out when turned off', async () => {
    const quiet = await startStack({ config: { graphql: { devExtensions: false } } });
    try {
      const { body } = await gql(quiet.gatewayUrl, '{ user(id: "1") { id } }');
      expect(body.data.user.id).toBe('1');
      expect(body.extensions).toBeUndefined();
    } finally {
      await quiet.close();
    }
  });
});
