// Authentication for GraphQL: the caller is identified before the request is parsed, by the same step
// the passthrough uses (src/policy/identify-caller.ts); the identity goes into the server context (and
// from there into every resolver's context), or the request is refused as a whole: 401 UNAUTHENTICATED
// with a Bearer challenge for a bad token, 400 for a token in the URL, 503 when the keys cannot be
// fetched. No token: anonymous, with nothing to await.
import type { Plugin } from 'graphql-yoga';
import type { Authenticate } from '../../auth/authenticate.ts';
import type { Identity } from '../../auth/identity.ts';
import { identifyCaller, type CallerIdentity } from '../../policy/identify-caller.ts';
import { errorResponse } from '../error-response.ts';

export function useAuthentication(authenticate: Authenticate): Plugin<{}, { identity?: Identity | undefined }> {
  return {
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      const settle = (caller: CallerIdentity): void => {
        if (caller.refusal) endResponse(errorResponse(fetchAPI, caller.refusal.code, caller.refusal.message, caller.refusal.headers));
        else serverContext.identity = caller.identity;
      };
      const caller = identifyCaller(authenticate, request.headers.get('authorization') ?? undefined, url.search);
      if (caller instanceof Promise) return caller.then(settle);
      settle(caller);
    },
  };
}
