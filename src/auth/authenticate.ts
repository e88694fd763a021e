// The one authentication step, shared by the GraphQL plugin and the passthrough: a bearer token from
// the Authorization header only, bounded in size, verified; no header means anonymous. A token in the
// query string is refused outright: URLs end up in logs and browser histories.
import { invalidRequest, invalidToken } from './auth-error.ts';
import type { Identity } from './identity.ts';
import type { TokenVerifier } from './token-verifier.ts';

/** Resolves with the caller's identity, or undefined when anonymous; rejects with AuthError. */
export type Authenticate = (authorization: string | undefined, search: string) => Promise<Identity | undefined>;

const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;
const TOKEN_PARAMS = ['access_token', 'token', 'id_token'];

export function createAuthenticate(verifier: TokenVerifier, maxTokenBytes: number): Authenticate {
  return async (authorization, search) => {
    if (search.length > 1 && TOKEN_PARAMS.some((p) => search.includes(`${p}=`))) {
      const params = new URLSearchParams(search);
      if (TOKEN_PARAMS.some((p) => params.has(p))) throw invalidRequest('send the token in the Authorization header; tokens in the URL are refused', 'BAD_REQUEST');
    }
    if (authorization === undefined) return undefined;
    // Measured before the pattern, so an enormous header costs no regular-expression work.
    if (authorization.length > maxTokenBytes + 7) throw invalidToken(`the token is larger than ${maxTokenBytes} bytes`);
    const match = BEARER.exec(authorization);
    if (!match) throw invalidRequest('expected "Authorization: Bearer <token>"');
    return verifier.verify(match[1]!);
  };
}
