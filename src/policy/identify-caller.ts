// Who is calling, for GraphQL and the passthrough alike: the verified identity of a bearer token, none
// for an anonymous request, or the refusal of a bad token (401 with a Bearer challenge), of a token in
// the URL (400) or of keys that cannot be fetched (503). Anonymous requests are answered at once,
// without a promise: they are the common case on public routes.
import { AuthError, challengeHeaders } from '../auth/auth-error.ts';
import type { Authenticate } from '../auth/authenticate.ts';
import type { Identity } from '../auth/identity.ts';
import type { Refusal } from './refusal.ts';

export type CallerIdentity = { identity: Identity | undefined; refusal?: undefined } | { identity?: undefined; refusal: Refusal };

const ANONYMOUS: CallerIdentity = Object.freeze({ identity: undefined });

export function identifyCaller(authenticate: Authenticate, authorization: string | undefined, search: string): CallerIdentity | Promise<CallerIdentity> {
  if (authorization === undefined && search === '') return ANONYMOUS;
  return authenticate(authorization, search).then(
    (identity): CallerIdentity => ({ identity }),
    (err: unknown): CallerIdentity => {
      if (!(err instanceof AuthError)) throw err;
      return { refusal: { code: err.code, message: err.message, headers: challengeHeaders(err) } };
    },
  );
}
