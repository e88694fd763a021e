// Authentication for GraphQL: the bearer token of the Authorization header is verified before the
// request is parsed; the identity goes into the server context (and from there into every resolver's
// context), or the request is refused as a whole: 401 UNAUTHENTICATED with a Bearer challenge for a bad
// token, 400 for a token in the URL, 503 when the keys cannot be fetched. No token: anonymous.
import type { Plugin } from 'graphql-yoga';
import { AuthError, challengeHeaders } from '../../auth/auth-error.ts';
import type { Authenticate } from '../../auth/authenticate.ts';
import type { Identity } from '../../auth/identity.ts';
import { errorResponse } from '../error-response.ts';

export function useAuthentication(authenticate: Authenticate): Plugin<{}, { identity?: Identity | undefined }> {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const authorization = request.headers.get('authorization') ?? undefined;
      if (authorization === undefined && url.search === '') return; // anonymous, nothing to await
      return authenticate(authorization, url.search).then(
        (identity) => {
          serverContext.identity = identity;
        },
        (err: unknown) => {
          if (!(err instanceof AuthError)) throw err;
          endResponse(errorResponse(fetchAPI, err.code, err.message, challengeHeaders(err)));
        },
      );
    },
  };
}
