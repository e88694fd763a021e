// Signed identity: the gateway signs what it asserts on every call to a service configured with
// signIdentity (HMAC or a private key), and the example users service, configured to verify, serves the
// gateway's calls (GraphQL and passthrough) and refuses identity that anyone else sends: unsigned,
// signed with another key, replayed, made for another request, expired, or not matching its headers.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../../src/create-gateway.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { makeCertificates, type TestCertificates } from '../harness/certificates.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { schemaFile, startStack, testConfig, type Stack } from '../harness/start-stack.ts';
import { bearer } from '../harness/test-tokens.ts';

const SECRET = 'a-shared-secret-of-at-least-32-characters';
const users = createUsersService({ identity: { secret: SECRET } });
let usersUrl: string;
let stack: Stack;

/** An assertion as the gateway would make it, with whatever is changed. */
const assertion = (claims: Record<string, unknown>, options: { key?: string; iat?: number; exp?: number; sub?: string } = {}): Promise<string> => {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ htm: 'GET', htu: '/users/1', rid: 'r1', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('rest-graphql-gateway')
    .setAudience('users')
    .setIssuedAt(options.iat ?? now)
    .setExpirationTime(options.exp ?? now + 30)
    .setJti(crypto.randomUUID());
  if (options.sub) jwt.setSubject(options.sub);
  return jwt.sign(new TextEncoder().encode(options.key ?? SECRET));
};
const direct = (headers: Record<string, string>, path = '/users/1'): Promise<Response> => fetch(`${usersUrl}${path}`, { headers });

beforeAll(async () => {
  usersUrl = await listen(users);
  stack = await startStack({ usersUrl, env: { USERS_IDENTITY_KEY: SECRET }, serviceConfig: { users: { signIdentity: { secret: '${env:USERS_IDENTITY_KEY}' } } } });
});
afterAll(async () => {
  await stack.close();
  await closeServer(users);
});

describe('the gateway\'s calls', () => {
  it('are served: a signed caller reads their email, an anonymous caller reads names', async () => {
    const signedIn = await gql(stack.gatewayUrl, '{ user(id: "1") { name email } }', { headers: await bearer('1') });
    expect(signedIn.body.errors).toBeUndefined();
    expect(signedIn.body.data.user.email).toMatch(/@/);
    const anonymous = await gql(stack.gatewayUrl, '{ users(limit: 2) { name } movie(id: "1") { director { name } } }');
    expect(anonymous.body.errors).toBeUndefined();
    expect(anonymous.body.data.users).toHaveLength(2);
  });

  it('are served on the passthrough too, where a client\'s own copy of the header is replaced', async () => {
    const res = await fetch(`${stack.gatewayUrl}/users/1`, { headers: { ...(await bearer('1')), 'x-gateway-identity': await assertion({}, { key: 'the-client-does-not-have-the-gateway-key' }) } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe('1');
  });
});

describe('identity from anyone else', () => {
  const refused = async (res: Response, reason: RegExp): Promise<void> => {
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAUTHENTICATED');
    expect(body.error.message).toMatch(reason);
  };

  it('is refused without the signature, and the request is not served', async () => {
    await resetStats(usersUrl);
    await refused(await direct({ 'x-user-id': '1', 'x-user-scopes': 'users:write' }), /identity headers without the gateway's signature/);
    expect((await statsOf(usersUrl)).total).toBe(0);
  });

  it('is refused signed with another key, or made for another request, service or caller', async () => {
    await refused(await direct({ 'x-gateway-identity': await assertion({}, { key: 'some-other-key-of-at-least-32-characters' }) }), /does not verify: signature verification failed/);
    await refused(await direct({ 'x-gateway-identity': await assertion({ htu: '/users/2' }) }), /made for another request/);
    await refused(await direct({ 'x-gateway-identity': await assertion({ htm: 'DELETE' }) }), /made for another request/);
    await refused(await direct({ 'x-gateway-identity': await assertion({}, { sub: '1' }), 'x-user-id': '2' }), /identity headers differ/);
    const forMovies = await new SignJWT({ htm: 'GET', htu: '/users/1' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('rest-graphql-gateway').setAudience('movies').setIssuedAt().setExpirationTime('30s').setJti('x').sign(new TextEncoder().encode(SECRET));
    await refused(await direct({ 'x-gateway-identity': forMovies }), /does not verify: unexpected "aud" claim value/);
  });

  it('is refused when replayed, or past its lifetime', async () => {
    const token = await assertion({}, { sub: '1' });
    expect((await direct({ 'x-gateway-identity': token, 'x-user-id': '1' })).status).toBe(200);
    await refused(await direct({ 'x-gateway-identity': token, 'x-user-id': '1' }), /used before \(a replay\)/);
    const now = Math.floor(Date.now() / 1000);
    await refused(await direct({ 'x-gateway-identity': await assertion({}, { iat: now - 120, exp: now - 90 }) }), /does not verify: "exp" claim timestamp check failed/);
  });
});

describe('signed with the gateway\'s private key (ES256)', () => {
  let certs: TestCertificates;
  beforeAll(() => {
    certs = makeCertificates();
  });

  it('is verified with its public key', async () => {
    const publicKey = createPublicKey(readFileSync(certs.client.key.file, 'utf8')).export({ type: 'spki', format: 'pem' }) as string;
    const verifying = createUsersService({ identity: { publicKey, requireSignature: true } });
    const url = await listen(verifying);
    const gateway = createGateway(testConfig({
      users: { urls: [url], schema: schemaFile('users'), signIdentity: { privateKey: certs.client.key.file, kid: 'gateway-2026' } },
      movies: { urls: [stack.moviesUrl], schema: schemaFile('movies') },
    }));
    try {
      const gatewayUrl = await gateway.listen();
      const { body } = await gql(gatewayUrl, '{ user(id: "2") { name email } }', { headers: await bearer('2') });
      expect(body.errors).toBeUndefined();
      expect(body.data.user.email).toMatch(/@/);
      // requireSignature: even an anonymous request must come from the gateway.
      expect((await fetch(`${url}/users?limit=1`)).status).toBe(401);
    } finally {
      await gateway.close();
      await closeServer(verifying);
    }
  });

  it('start-up errors name what is wrong', () => {
    const build = (signIdentity: Record<string, unknown>) => () => createGateway(testConfig({ users: { urls: ['http://127.0.0.1:9'], schema: schemaFile('users'), signIdentity }, movies: { urls: ['http://127.0.0.1:9'], schema: schemaFile('movies') } }));
    expect(build({ secret: 'short' })).toThrow('services/users/signIdentity/secret: an HMAC key needs at least 32 characters, got 5');
    expect(build({ secret: SECRET, privateKey: certs.client.key.file })).toThrow(/services\/users\/signIdentity\/secret: give exactly one of secret \(HMAC\) and privateKey/);
    expect(build({ privateKey: `${certs.dir}/missing.key` })).toThrow(`services.users.signIdentity.privateKey: cannot read ${certs.dir}/missing.key (ENOENT)`);
    expect(build({ privateKey: certs.client.key.file, alg: 'RS256' })).toThrow(`services.users.signIdentity: RS256 needs an RSA key, and ${certs.client.key.file} is ec`);
    expect(build({ privateKey: certs.client.cert.file })).toThrow(/is not a private key in PEM/);
  });
});
