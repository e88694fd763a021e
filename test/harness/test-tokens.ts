// Tokens for tests: one ES256 key pair per test process, the auth config that trusts it, and a minter
// with every claim overridable (to make expired, future, wrong-issuer tokens and so on).
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT, type JWK, type JWTPayload } from 'jose';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
export const TEST_PUBLIC_JWK = publicKey.export({ format: 'jwk' }) as JWK;
export const TEST_ISSUER = 'https://issuer.test';
export const TEST_AUDIENCE = 'gateway-tests';

/** The `auth` config section that verifies test tokens. */
export const TEST_AUTH = Object.freeze({
  keys: [{ kid: 'test-key', algorithms: ['ES256'], jwk: TEST_PUBLIC_JWK }],
  issuer: TEST_ISSUER,
  audience: TEST_AUDIENCE,
});

export interface TokenOptions {
  sub?: string;
  scope?: string;
  /** Seconds from now; negative for an expired token. @default 300 */
  expiresIn?: number;
  notBefore?: number;
  issuer?: string;
  audience?: string;
  kid?: string;
  claims?: JWTPayload;
  /** Sign with another key (e.g. for a JWKS test). */
  key?: Parameters<SignJWT['sign']>[0];
  alg?: string;
}

export async function testToken(o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...(o.scope !== undefined ? { scope: o.scope } : {}), ...o.claims })
    .setProtectedHeader({ alg: o.alg ?? 'ES256', kid: o.kid ?? 'test-key', typ: 'JWT' })
    .setIssuedAt(now)
    .setIssuer(o.issuer ?? TEST_ISSUER)
    .setAudience(o.audience ?? TEST_AUDIENCE)
    .setExpirationTime(now + (o.expiresIn ?? 300));
  if (o.sub !== '') jwt.setSubject(o.sub ?? '1');
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore);
  return jwt.sign(o.key ?? privateKey);
}

/** `{ authorization: "Bearer …" }` for a caller with these claims. */
export async function bearer(sub: string, scope?: string): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await testToken({ sub, scope })}` };
}

/** An admin holding every write scope of the example schema. */
export const adminHeaders = (): Promise<Record<string, string>> => bearer('1', 'users:write movies:write admin');
