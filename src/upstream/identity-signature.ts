// Signed identity: on every call to a service configured with signIdentity, one header carries what the
// gateway asserts, as a compact JWS (jose): who the caller is (sub, scope: the identity headers' values,
// none for an anonymous caller), the request id (rid), the call's method and target (htm, htu: what the
// service sees as its request line), when (iat, exp = iat + ttl) and a unique id (jti, for the
// service's replay cache), for this service (aud) from the gateway (iss). Signed with a shared HMAC key
// or the gateway's private key; made per attempt, so a retry carries a fresh one. A service that
// verifies it trusts the gateway and no one else: identity headers without it are anyone's.
import { createHash, createPrivateKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';

/** The issuer every assertion names. */
const IDENTITY_ISSUER = 'rest-graphql-gateway';

export interface IdentitySigner {
  header: string;
  /** A digest of the key and settings: a reload that changes neither keeps the service's pools. */
  fingerprint: string;
  /** The assertion for one attempt: `target` is the path and query as the service receives them. */
  sign(method: string, target: string, requestId: string, headers: Readonly<Record<string, string | string[] | undefined>>): Promise<string>;
}

/** The JWS algorithm of a private key when the configuration names none. */
function algorithmOf(key: KeyObject, service: string): string {
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve === 'prime256v1') return 'ES256';
      if (curve === 'secp384r1') return 'ES384';
      throw new ConfigError(`services.${service}.signIdentity.privateKey: an EC key on ${curve ?? 'an unknown curve'}; use P-256 or P-384`);
    }
    case 'rsa':
      return 'RS256';
    case 'ed25519':
      return 'EdDSA';
    default:
      throw new ConfigError(`services.${service}.signIdentity.privateKey: a ${key.asymmetricKeyType ?? 'secret'} key cannot sign a JWS here (use EC, RSA or Ed25519)`);
  }
}

/** The service's signer, or undefined when it has no signIdentity. `identity` names the identity headers. */
export function identitySigner(service: string, config: ServiceConfig, identity: { subject: string; scopes: string }): IdentitySigner | undefined {
  const sign = config.signIdentity;
  if (!sign) return undefined;
  let key: KeyObject | Uint8Array;
  let alg: string;
  if (sign.secret !== undefined) {
    key = new TextEncoder().encode(sign.secret);
    alg = 'HS256';
  } else {
    let pem: string;
    try {
      pem = readFileSync(sign.privateKey!, 'utf8');
    } catch (err) {
      throw new ConfigError(`services.${service}.signIdentity.privateKey: cannot read ${sign.privateKey} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      key = createPrivateKey(pem);
    } catch (err) {
      throw new ConfigError(`services.${service}.signIdentity.privateKey: ${sign.privateKey} is not a private key in PEM (${(err as Error).message})`);
    }
    alg = sign.alg ?? algorithmOf(key, service);
    const family = alg.startsWith('ES') ? 'ec' : alg === 'EdDSA' ? 'ed25519' : 'rsa';
    if (key.asymmetricKeyType !== family) throw new ConfigError(`services.${service}.signIdentity: ${alg} needs ${family === 'rsa' ? 'an RSA' : family === 'ec' ? 'an EC' : 'an Ed25519'} key, and ${sign.privateKey} is ${key.asymmetricKeyType ?? 'not one'}`);
  }
  const fingerprint = createHash('sha256').update(JSON.stringify(sign)).update(key instanceof Uint8Array ? key : key.export({ format: 'der', type: 'pkcs8' })).digest('hex');
  const ttlSeconds = Math.max(1, Math.round(sign.ttlMs / 1000));
  const header = { alg, typ: 'JWT', ...(sign.kid !== undefined && { kid: sign.kid }) };
  const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
  return {
    header: sign.header,
    fingerprint,
    sign: (method, target, requestId, headers) => {
      const subject = first(headers[identity.subject]);
      const scope = first(headers[identity.scopes]);
      const now = Math.floor(Date.now() / 1000);
      const jwt = new SignJWT({ rid: requestId, htm: method, htu: target, ...(scope !== undefined && { scope }) })
        .setProtectedHeader(header)
        .setIssuer(IDENTITY_ISSUER)
        .setAudience(service)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .setJti(randomUUID());
      if (subject !== undefined) jwt.setSubject(subject);
      return jwt.sign(key);
    },
  };
}
