// Verifies a bearer token with jose against the configured keys (each with its own algorithm allowlist)
// and a JWKS endpoint (cached; an unknown `kid` refetches at most once per cooldown). `exp` and `sub` are
// required; `nbf`, `iss` and `aud` are checked with the configured clock tolerance. A token with
// alg "none", or an HS* token meant to be checked with an RSA public key, finds no key and is refused.
import { createRemoteJWKSet, errors, importJWK, importSPKI, jwtVerify, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { AuthConfig, AuthKeyConfig, JwtAlgorithm } from '../config/config-schema.ts';
import { AuthError, invalidToken, keysUnavailable } from './auth-error.ts';
import type { Identity } from './identity.ts';

export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/** The development key's public half and the claims dev tokens carry, when the dev key is in use. */
export interface DevVerification {
  key: AuthKeyConfig;
  issuer: string;
  audience: string;
}

type KeyMaterial = CryptoKey | Uint8Array;

/** One configured key, its material imported once per algorithm on first use. */
class LocalKey {
  readonly config: AuthKeyConfig;
  readonly #imported = new Map<string, Promise<KeyMaterial>>();
  constructor(config: AuthKeyConfig) {
    this.config = config;
  }

  material(alg: string): Promise<KeyMaterial> {
    let key = this.#imported.get(alg);
    if (!key) {
      const c = this.config;
      key = c.secret !== undefined
        ? Promise.resolve(new TextEncoder().encode(c.secret))
        : c.publicKey !== undefined ? importSPKI(c.publicKey, alg) : (importJWK(c.jwk as Parameters<typeof importJWK>[0], alg) as Promise<KeyMaterial>);
      this.#imported.set(alg, key);
    }
    return key;
  }
}

export function createTokenVerifier(auth: AuthConfig, dev?: DevVerification): TokenVerifier {
  const keys = [...auth.keys, ...(dev ? [dev.key] : [])].map((k) => new LocalKey(k));
  const jwks = auth.jwks;
  const remote = jwks
    ? createRemoteJWKSet(new URL(jwks.url), { cacheMaxAge: jwks.cacheMaxAgeMs, cooldownDuration: jwks.cooldownMs, timeoutDuration: jwks.timeoutMs })
    : undefined;
  const algorithms = [...new Set<JwtAlgorithm>([...keys.flatMap((k) => k.config.algorithms), ...(jwks?.algorithms ?? [])])];
  const issuer = auth.issuer.length > 0 ? auth.issuer : dev ? [dev.issuer] : undefined;
  const audience = auth.audience.length > 0 ? auth.audience : dev ? [dev.audience] : undefined;

  const getKey = async (header: JWTHeaderParameters, token: Parameters<NonNullable<typeof remote>>[1]): Promise<KeyMaterial> => {
    const alg = header.alg as JwtAlgorithm;
    const named = header.kid === undefined ? keys : keys.filter((k) => k.config.kid === header.kid);
    const candidates = named.filter((k) => k.config.algorithms.includes(alg));
    if (candidates.length === 1) return candidates[0]!.material(alg);
    if (candidates.length > 1) throw invalidToken('the token names no key (kid) and several keys could verify it');
    // A configured key of that id that does not allow the algorithm: HS256 "signed" with an RSA public key lands here.
    if (header.kid !== undefined && named.length > 0) throw invalidToken(`the token's algorithm is not accepted for its key`);
    if (remote && jwks!.algorithms.includes(alg)) {
      try {
        return await remote(header, token);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
        throw keysUnavailable(); // the endpoint failed, timed out or sent no key set
      }
    }
    if (header.kid !== undefined) throw invalidToken('no key matches the token\'s key id (kid)');
    throw invalidToken('the token\'s algorithm is not accepted');
  };

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          algorithms,
          issuer,
          audience,
          clockTolerance: auth.clockToleranceMs / 1000,
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (err) {
        throw describe(err);
      }
      if (typeof payload.sub !== 'string' || payload.sub === '') throw invalidToken('the token\'s subject (sub) is not a string');
      return { subject: payload.sub, scopes: scopesOf(payload, auth.scopeClaims), token };
    },
  };
}

/** Scopes from the first claim present: a space-separated string ("a b") or a list of strings. */
function scopesOf(payload: JWTPayload, claims: readonly string[]): Set<string> {
  for (const claim of claims) {
    const value = payload[claim];
    if (typeof value === 'string') return new Set(value.split(' ').filter(Boolean));
    if (Array.isArray(value)) return new Set(value.filter((v): v is string => typeof v === 'string'));
  }
  return new Set();
}

/** What was wrong with the token, in words a developer can act on. */
function describe(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof errors.JWTExpired) return invalidToken('the token has expired');
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return invalidToken(`the token has no "${err.claim}" claim`);
    if (err.claim === 'nbf') return invalidToken('the token is not valid yet (nbf)');
    if (err.claim === 'iss') return invalidToken('the token\'s issuer (iss) is not accepted');
    if (err.claim === 'aud') return invalidToken('the token\'s audience (aud) is not accepted');
    return invalidToken(`the token's "${err.claim}" claim is invalid`);
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return invalidToken('the token\'s signature does not verify');
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return invalidToken('the token\'s algorithm is not accepted');
  if (err instanceof errors.JWKSNoMatchingKey) return invalidToken('no key matches the token\'s key id (kid)');
  if (err instanceof errors.JWKSMultipleMatchingKeys) return invalidToken('several keys match the token\'s key id (kid)');
  if (err instanceof errors.JOSEError) return invalidToken('the token is malformed');
  return invalidToken('the token could not be verified');
}
