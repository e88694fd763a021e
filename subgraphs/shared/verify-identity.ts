// What an example service does with the gateway's signed identity (the gateway's
// services.<name>.signIdentity): the header's JWS must be the gateway's (its HMAC key or its public key),
// made for this service, for this very request (method and target), within its lifetime and the clock
// skew, seen once (a replay cache as long as the window), and repeat the identity headers the request
// carries. Identity headers without it are refused (anyone who can reach the service could send them);
// with requireSignature, every request is.
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { jwtVerify } from 'jose';
import { ServiceError } from './http-service.ts';

export interface IdentityVerification {
  /** This service's name: the assertion's audience. */
  service: string;
  /** An HMAC key shared with the gateway, or the gateway's public key (PEM). */
  secret?: string | undefined;
  publicKey?: string | undefined;
  /** @default "x-gateway-identity" */
  header?: string | undefined;
  /** Refuse every request without a valid assertion, not only those that carry identity headers. */
  requireSignature?: boolean | undefined;
  /** @default 5 */
  clockSkewSeconds?: number | undefined;
  /** The oldest assertion accepted, whatever its exp says. @default 60 */
  maxAgeSeconds?: number | undefined;
}

const refuse = (message: string): ServiceError => new ServiceError(401, 'UNAUTHENTICATED', message);

/** The verifier of `options`: resolves for a request it accepts, rejects with a 401 ServiceError otherwise. */
export function identityVerifier(options: IdentityVerification): (req: IncomingMessage) => Promise<void> {
  const header = options.header ?? 'x-gateway-identity';
  const key: KeyObject | Uint8Array = options.secret !== undefined ? new TextEncoder().encode(options.secret) : createPublicKey(options.publicKey as string);
  const skew = options.clockSkewSeconds ?? 5;
  const maxAge = options.maxAgeSeconds ?? 60;
  // jti → when it may be forgotten (its exp, plus the skew); oldest first, as a Map keeps them.
  const seen = new Map<string, number>();
  const forgetExpired = (now: number): void => {
    for (const [jti, until] of seen) {
      if (until > now) break;
      seen.delete(jti);
    }
  };
  return async (req) => {
    const token = req.headers[header];
    const subject = req.headers['x-user-id'];
    const scopes = req.headers['x-user-scopes'];
    if (typeof token !== 'string') {
      if (subject !== undefined || scopes !== undefined) throw refuse('identity headers without the gateway\'s signature');
      if (options.requireSignature) throw refuse(`the gateway's signature (${header}) is required`);
      return;
    }
    let payload;
    try {
      ({ payload } = await jwtVerify(token, key, { issuer: 'rest-graphql-gateway', audience: options.service, clockTolerance: skew, maxTokenAge: maxAge, requiredClaims: ['iat', 'exp', 'jti'] }));
    } catch (err) {
      throw refuse(`the gateway's signature does not verify: ${(err as Error).message}`);
    }
    if (payload.htm !== req.method || payload.htu !== req.url) throw refuse('the signature was made for another request');
    if (payload.sub !== subject || payload.scope !== scopes) throw refuse('the identity headers differ from what the gateway signed');
    const now = Math.floor(Date.now() / 1000);
    forgetExpired(now);
    if (seen.has(payload.jti!)) throw refuse('the signature was used before (a replay)');
    seen.set(payload.jti!, payload.exp! + skew);
  };
}
