// Authentication and authorization on both paths, GraphQL and the REST passthrough: each token case
// is its own test on each path; then field-level FORBIDDEN with partial data, the owner rule, identity
// headers (spoofed copies removed, or the token forwarded), JWKS rotation and its refetch limit, and the
// development token command.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { exportJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEchoUpstream } from '../harness/echo-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { startJwksServer, type JwksServer } from '../harness/jwks-server.ts';
import { statsOf } from '../harness/service-stats.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';
import { bearer, TEST_AUDIENCE, TEST_AUTH, TEST_ISSUER, testToken } from '../harness/test-tokens.ts';

const fixture = (name: string): string => resolve(ROOT, 'test/fixtures', name);
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const HS_SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const ed = generateKeyPairSync('ed25519');
const edPem = ed.publicKey.export({ type: 'spki', format: 'pem' }) as string;
const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

let echo: Awaited<ReturnType<typeof startEchoUpstream>>;
let stack: Stack;

beforeAll(async () => {
  echo = await startEchoUpstream();
  stack = await startStack({
    config: {
      // An HS256 key beside the RSA one, so HS256 is an accepted algorithm and only the key's own allowlist stops confusion.
      auth: { ...TEST_AUTH, keys: [...TEST_AUTH.keys, { kid: 'rsa-key', algorithms: ['RS256'], publicKey: rsaPem }, { kid: 'hs-key', algorithms: ['HS256'], secret: HS_SECRET }, { kid: 'ed-key', algorithms: ['EdDSA'], publicKey: edPem }], maxTokenBytes: 4096 },
      services: {
        echo: { urls: [echo.url], schema: fixture('echo.graphql') },
        echotoken: { urls: [echo.url], schema: fixture('echo-token.graphql'), forwardToken: true },
      },
      routes: [
        { prefix: '/users', service: 'users', access: { GET: 'public', '*': { scopes: [['users:write']], owner: '/users/{id}' } } },
        { prefix: '/echo', service: 'echo', access: { GET: 'public', POST: 'authenticated', '*': { scopes: [['echo:write']] } } },
        { prefix: '/echo-token', service: 'echotoken', access: 'authenticated' },
      ],
    },
  });
});
afterAll(async () => {
  await stack.close();
  await echo.close();
});

/** A passthrough request; returns status, headers and the JSON body. */
async function pass(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, { method: init.method ?? 'GET', headers: init.headers, body: init.body });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
const lastEcho = () => echo.received.at(-1)!;

// Each bad token, how to make it, and what the refusal must say.
const BAD_TOKENS: Record<string, { make: () => Promise<string>; says: RegExp }> = {
  expired: { make: () => testToken({ expiresIn: -120 }), says: /has expired/ },
  'not yet valid': { make: () => testToken({ notBefore: 600 }), says: /not valid yet/ },
  'from the wrong issuer': { make: () => testToken({ issuer: 'https://evil.test' }), says: /issuer \(iss\) is not accepted/ },
  'for the wrong audience': { make: () => testToken({ audience: 'another-api' }), says: /audience \(aud\) is not accepted/ },
  'with a bad signature': { make: () => testToken({ key: stranger }), says: /signature does not verify/ },
  'with a tampered payload': {
    make: async () => {
      const [h, , s] = (await testToken({ sub: '7' })).split('.');
      const now = Math.floor(Date.now() / 1000);
      return `${h}.${b64({ sub: '1', scope: 'admin users:write', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now + 300 })}.${s}`;
    },
    says: /signature does not verify/,
  },
  'with alg "none"': {
    make: async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: '1', scope: 'admin', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
    says: /algorithm is not accepted/,
  },
  'signed HS256 with the RSA public key': {
    make: async () => {
      const signing = `${b64({ alg: 'HS256', kid: 'rsa-key', typ: 'JWT' })}.${b64({ sub: '1', scope: 'admin', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}`;
      return `${signing}.${createHmac('sha256', rsaPem).update(signing).digest('base64url')}`;
    },
    says: /algorithm is not accepted for its key/,
  },
  'with an unknown kid': { make: () => testToken({ kid: 'who-is-this' }), says: /no key matches the token's key id/ },
  'over the size limit': { make: () => testToken({ claims: { padding: 'x'.repeat(5000) } }), says: /larger than 4096 bytes/ },
};

describe('a valid token', () => {
  it('verifies HS256 with a configured secret, RS256 and EdDSA with configured public keys (PEM)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: '7', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: now + 300 };
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'hs-key' }).sign(new TextEncoder().encode(HS_SECRET));
    const rs = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rsa-key' }).sign(rsa.privateKey);
    const eddsa = await new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: 'ed-key' }).sign(ed.privateKey);
    for (const token of [hs, rs, eddsa]) {
      const { status, body } = await gql(stack.gatewayUrl, '{ user(id: "3") { email } }', { headers: { authorization: `Bearer ${token}` } });
      expect(status).toBe(200);
      expect(body.data.user.email).toMatch(/@/);
    }
  });

  it('GraphQL: protected fields resolve, and the services get the identity in the gateway\'s headers', async () => {
    const { status, body } = await gql(stack.gatewayUrl, '{ user(id: "3") { email } echo { method } }', { headers: await bearer('7', 'a:read b:write') });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.user.email).toMatch(/@/);
    expect(lastEcho().headers).toMatchObject({ 'x-user-id': '7', 'x-user-scopes': 'a:read b:write' });
    expect(lastEcho().headers.authorization).toBeUndefined();
  });

  it('passthrough: a protected route answers, and the service gets the identity, not the token', async () => {
    const { status, body } = await pass('/echo/things', { method: 'POST', headers: await bearer('7', 'a:read'), body: '{}' });
    expect(status).toBe(200);
    expect(body.headers).toMatchObject({ 'x-user-id': '7', 'x-user-scopes': 'a:read' });
    expect(body.headers.authorization).toBeUndefined();
  });
});

describe('no token', () => {
  it('GraphQL: anonymous; a protected field is null with UNAUTHENTICATED and the rest of the query resolves', async () => {
    const { status, body } = await gql(stack.gatewayUrl, '{ user(id: "3") { name email } movies(limit: 1) { id } }');
    expect(status).toBe(200);
    expect(body.data.user.name).toBeTruthy();
    expect(body.data.user.email).toBeNull();
    expect(body.data.movies).toHaveLength(1);
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['user', 'email'], extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('passthrough: a public method passes, a protected one gets 401 with a Bearer challenge and is not forwarded', async () => {
    expect((await pass('/echo/open')).status).toBe(200);
    const before = echo.received.length;
    const { status, headers, body } = await pass('/echo/things', { method: 'POST', body: '{}' });
    expect(status).toBe(401);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="gateway"');
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(echo.received.length).toBe(before);
  });
});

describe('a bad token refuses the whole request', () => {
  for (const [name, { make, says }] of Object.entries(BAD_TOKENS)) {
    it(`GraphQL: a token ${name} → 401 UNAUTHENTICATED saying so, without echoing the token`, async () => {
      const token = await make();
      const before = echo.received.length;
      const { status, headers, body } = await gql(stack.gatewayUrl, '{ user(id: "3") { name } echo { method } }', { headers: { authorization: `Bearer ${token}` } });
      expect(status).toBe(401);
      expect(codesOf(body)).toEqual(['UNAUTHENTICATED']);
      expect(body.errors![0]!.message).toMatch(says);
      expect(JSON.stringify(body)).not.toContain(token.slice(-20));
      expect(headers.get('www-authenticate')).toContain('error="invalid_token"');
      expect(body.data).toBeUndefined();
      expect(echo.received.length).toBe(before);
    });

    it(`passthrough: a token ${name} → 401 with error="invalid_token", even on a public route, nothing forwarded`, async () => {
      const token = await make();
      const before = echo.received.length;
      const { status, headers, body } = await pass('/echo/open', { headers: { authorization: `Bearer ${token}` } });
      expect(status).toBe(401);
      expect(headers.get('www-authenticate')).toMatch(/^Bearer realm="gateway", error="invalid_token", error_description="/);
      expect(body.error.code).toBe('UNAUTHENTICATED');
      expect(body.error.message).toMatch(says);
      expect(JSON.stringify(body)).not.toContain(token.slice(-20));
      expect(echo.received.length).toBe(before);
    });
  }

  it('an Authorization header that is not a bearer token → 401 invalid_request on both paths', async () => {
    const headers = { authorization: 'Basic dXNlcjpwYXNz' };
    const g = await gql(stack.gatewayUrl, '{ movies(limit: 1) { id } }', { headers });
    expect(g.status).toBe(401);
    expect(g.headers.get('www-authenticate')).toContain('error="invalid_request"');
    const p = await pass('/echo/open', { headers });
    expect(p.status).toBe(401);
    expect(p.body.error.message).toMatch(/Bearer <token>/);
  });
});

describe('a token in the query string', () => {
  it('GraphQL: refused with 400, never read as credentials', async () => {
    const token = await testToken({ sub: '1', scope: 'admin' });
    const res = await fetch(`${stack.gatewayUrl}/graphql?access_token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ user(id: "3") { email } }' }) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(body.errors[0].message).toMatch(/Authorization header/);
  });

  it('passthrough: refused with 400 and not forwarded', async () => {
    const before = echo.received.length;
    const { status, body } = await pass(`/echo/open?access_token=${await testToken()}`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(echo.received.length).toBe(before);
  });
});

describe('spoofed identity headers', () => {
  const spoof = { 'x-user-id': '1', 'x-user-scopes': 'admin users:write' };

  it('GraphQL: a client\'s copies never reach a service, with or without a token', async () => {
    await gql(stack.gatewayUrl, '{ echo { method } }', { headers: spoof });
    expect(lastEcho().headers['x-user-id']).toBeUndefined();
    expect(lastEcho().headers['x-user-scopes']).toBeUndefined();
    await gql(stack.gatewayUrl, '{ echo { method } }', { headers: { ...spoof, ...(await bearer('7', 'a:read')) } });
    expect(lastEcho().headers).toMatchObject({ 'x-user-id': '7', 'x-user-scopes': 'a:read' });
  });

  it('passthrough: removed when anonymous, replaced by the verified identity otherwise', async () => {
    const anon = await pass('/echo/open', { headers: spoof });
    expect(anon.body.headers['x-user-id']).toBeUndefined();
    expect(anon.body.headers['x-user-scopes']).toBeUndefined();
    const known = await pass('/echo/open', { headers: { ...spoof, ...(await bearer('7', 'a:read')) } });
    expect(known.body.headers).toMatchObject({ 'x-user-id': '7', 'x-user-scopes': 'a:read' });
  });
});

describe('forwarding the token instead (forwardToken)', () => {
  it('GraphQL and passthrough send the original bearer token, and no identity headers', async () => {
    const headers = await bearer('7', 'a:read');
    await gql(stack.gatewayUrl, '{ echoToken { method } }', { headers });
    expect(lastEcho().headers.authorization).toBe(headers.authorization);
    expect(lastEcho().headers['x-user-id']).toBeUndefined();
    const p = await pass('/echo-token/x', { headers });
    expect(p.status).toBe(200);
    expect(p.body.headers.authorization).toBe(headers.authorization);
    expect(p.body.headers['x-user-id']).toBeUndefined();
  });
});

describe('scopes', () => {
  it('passthrough: a method that needs a scope answers 403 with error="insufficient_scope" without it', async () => {
    const before = echo.received.length;
    const refused = await pass('/echo/things/1', { method: 'PUT', headers: await bearer('7', 'a:read'), body: '{}' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="gateway", error="insufficient_scope", scope="echo:write"');
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'PUT /echo needs the scope echo:write' });
    expect(echo.received.length).toBe(before);
    expect((await pass('/echo/things/1', { method: 'PUT', headers: await bearer('7', 'echo:write'), body: '{}' })).status).toBe(200);
  });

  it('GraphQL: a field without its scope is null with FORBIDDEN while the rest resolves, and its call is never made', async () => {
    const moviesBefore = (await statsOf(stack.moviesUrl)).total;
    const { status, body } = await gql(
      stack.gatewayUrl,
      'mutation { updateUser(id: "7", input: { name: "Seven" }) { id name } createMovie(input: { title: "Nope", directorId: "1" }) { id } }',
      { headers: await bearer('7', 'users:write') },
    );
    expect(status).toBe(200);
    expect(body.data).toEqual({ updateUser: { id: '7', name: 'Seven' }, createMovie: null });
    expect(body.errors).toHaveLength(1);
    expect(body.errors![0]).toMatchObject({ path: ['createMovie'], message: 'Mutation.createMovie needs the scope movies:write', extensions: { code: 'FORBIDDEN' } });
    expect((await statsOf(stack.moviesUrl)).total).toBe(moviesBefore);
  });

  it('a rule on a type guards every field that returns it, with no call made when refused', async () => {
    const before = echo.received.length;
    const anon = await gql(stack.gatewayUrl, '{ echoSecret { method } }');
    expect(anon.body.data.echoSecret).toBeNull();
    expect(codesOf(anon.body)).toEqual(['UNAUTHENTICATED']);
    const without = await gql(stack.gatewayUrl, '{ echoSecret { method } }', { headers: await bearer('7', 'a:read') });
    expect(codesOf(without.body)).toEqual(['FORBIDDEN']);
    expect(without.body.errors![0]!.message).toBe('Query.echoSecret needs the scope echo:secret or admin');
    expect(echo.received.length).toBe(before);
    const allowed = await gql(stack.gatewayUrl, '{ echoSecret { method } }', { headers: await bearer('7', 'echo:secret') });
    expect(allowed.body.data.echoSecret).toEqual({ method: 'GET' });
  });

  it('shows each field\'s rule in the schema\'s descriptions (GraphiQL\'s docs)', async () => {
    const { body } = await gql(stack.gatewayUrl, '{ __type(name: "Mutation") { fields { name description } } }');
    const described = Object.fromEntries(body.data.__type.fields.map((f: any) => [f.name, f.description]));
    expect(described.createMovie).toBe('Access: needs the scope movies:write.');
    expect(described.updateUser).toBe('Changes only the fields given.\n\nAccess: needs the scope users:write; "id" must be the caller\'s own id unless they hold admin.');
  });

  it('reads scopes from the scp claim as a list too', async () => {
    const token = await testToken({ sub: '7', claims: { scp: ['movies:write'] } });
    const { body } = await gql(stack.gatewayUrl, 'mutation { createMovie(input: { title: "Scp", directorId: "1" }) { title } }', { headers: { authorization: `Bearer ${token}` } });
    expect(body.errors).toBeUndefined();
    expect(body.data.createMovie.title).toBe('Scp');
  });
});

describe('the owner rule', () => {
  it('lets a user change their own record only', async () => {
    const headers = await bearer('8', 'users:write');
    const usersBefore = (await statsOf(stack.usersUrl)).routes;
    const refused = await gql(stack.gatewayUrl, 'mutation { updateUser(id: "9", input: { name: "Not Mine" }) { name } }', { headers });
    expect(refused.body.data.updateUser).toBeNull();
    expect(codesOf(refused.body)).toEqual(['FORBIDDEN']);
    expect(refused.body.errors![0]!.message).toMatch(/must be the caller's own id/);
    expect((await statsOf(stack.usersUrl)).routes).toEqual(usersBefore); // nothing was sent
    const own = await gql(stack.gatewayUrl, 'mutation { updateUser(id: "8", input: { name: "Mine" }) { name } }', { headers });
    expect(own.body.data.updateUser.name).toBe('Mine');
  });

  it('passthrough: a write under /users/{id} only by that user, or an admin; a new record has no owner yet', async () => {
    const headers = { ...(await bearer('8', 'users:write')), 'content-type': 'application/json' };
    const usersBefore = (await statsOf(stack.usersUrl)).routes;
    const refused = await pass('/users/9', { method: 'PATCH', headers, body: '{"name":"Not Mine"}' });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/only their own record/);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="gateway", error="insufficient_scope", scope="admin"');
    expect((await statsOf(stack.usersUrl)).routes).toEqual(usersBefore);
    expect((await pass('/users/8', { method: 'PATCH', headers, body: '{"name":"Mine"}' })).status).toBe(200);
    expect((await pass('/users/8/favorites/4', { method: 'PUT', headers })).status).toBe(200);
    expect((await pass('/users/9/favorites/4', { method: 'PUT', headers })).status).toBe(403);
    const admin = { ...(await bearer('1', 'users:write admin')), 'content-type': 'application/json' };
    expect((await pass('/users/9', { method: 'PATCH', headers: admin, body: '{"name":"By Admin"}' })).status).toBe(200);
    const created = await pass('/users', { method: 'POST', headers, body: JSON.stringify({ name: 'New', email: `new-${Date.now()}@example.test` }) });
    expect(created.status).toBe(201);
  });

  it('lets an admin change anyone\'s record', async () => {
    const { body } = await gql(stack.gatewayUrl, 'mutation { addFavoriteMovie(userId: "9", movieId: "5") { id } }', { headers: await bearer('1', 'users:write admin') });
    expect(body.errors).toBeUndefined();
    expect(body.data.addFavoriteMovie.id).toBe('9');
  });
});

describe('keys from a JWKS endpoint', () => {
  const makeKey = async (kid: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  const sign = (key: Awaited<ReturnType<typeof makeKey>>, sub = '7') =>
    new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: key.kid }).setSubject(sub).setIssuer('jwks-issuer').setAudience('gateway').setExpirationTime('5m').sign(key.privateKey);
  let jwks: JwksServer;
  const stacks: Stack[] = [];
  const jwksStack = async (cooldown: string) => {
    const s = await startStack({ config: { auth: { keys: [], jwks: { url: jwks.url, cooldown }, issuer: 'jwks-issuer', audience: 'gateway' } } });
    stacks.push(s);
    return s;
  };
  const who = async (s: Stack, token: string) => gql(s.gatewayUrl, '{ user(id: "3") { email } }', { headers: { authorization: `Bearer ${token}` } });
  afterAll(async () => {
    await Promise.all(stacks.map((s) => s.close()));
    await jwks?.close();
  });

  it('picks up a rotated-in key on its unknown kid, and drops the rotated-out one', async () => {
    const oldKey = await makeKey('old');
    const newKey = await makeKey('new');
    jwks = await startJwksServer([oldKey.jwk]);
    const s = await jwksStack('0ms');
    expect((await who(s, await sign(oldKey))).status).toBe(200);
    jwks.keys = [newKey.jwk];
    const rotated = await who(s, await sign(newKey));
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.user.email).toMatch(/@/);
    const dropped = await who(s, await sign(oldKey));
    expect(dropped.status).toBe(401);
    expect(dropped.body.errors![0]!.message).toMatch(/no key matches the token's key id/);
    // The passthrough verifies with the same key set.
    const passWith = async (token: string) => (await fetch(`${s.gatewayUrl}/users/3`, { headers: { authorization: `Bearer ${token}` } })).status;
    expect(await passWith(await sign(newKey))).toBe(200);
    expect(await passWith(await sign(oldKey))).toBe(401);
  });

  it('refetches for unknown kids at most once per cooldown', async () => {
    const known = await makeKey('known');
    const unknown = await makeKey('unknown');
    jwks.keys = [known.jwk];
    const s = await jwksStack('10m');
    expect((await who(s, await sign(known))).status).toBe(200);
    const fetches = jwks.fetches;
    for (let i = 0; i < 5; i++) expect((await who(s, await sign(unknown))).status).toBe(401);
    expect(jwks.fetches).toBe(fetches);
  });

  it('answers 503 when the JWKS endpoint fails: the token may be good, the gateway cannot tell', async () => {
    const key = await makeKey('any');
    jwks.keys = [key.jwk];
    jwks.failing = true;
    try {
      const s = await jwksStack('0ms');
      const { status, body } = await who(s, await sign(key));
      expect(status).toBe(503);
      expect(codesOf(body)).toEqual(['SERVICE_UNAVAILABLE']);
    } finally {
      jwks.failing = false;
    }
  });
});

describe('the development token command', () => {
  it('mints a token the gateway accepts when it verifies with the development key', async () => {
    const run = spawnSync(process.execPath, [resolve(ROOT, 'src/cli/mint-token.ts'), '--sub', '42', '--scope', 'movies:write'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    const token = run.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const s = await startStack({ config: { auth: { keys: [], issuer: [], audience: [], devKey: true } } });
    try {
      const { body } = await gql(s.gatewayUrl, 'mutation { createMovie(input: { title: "Dev Token", directorId: "42" }) { title } }', { headers: { authorization: `Bearer ${token}` } });
      expect(body.errors).toBeUndefined();
      expect(body.data.createMovie.title).toBe('Dev Token');
    } finally {
      await s.close();
    }
  });
});
