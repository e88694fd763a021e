// The access rule of a passthrough route's method against the caller: public, any authenticated
// caller, or callers holding a scope set. Refusals follow RFC 6750: 401 with a Bearer challenge when
// there is no identity, 403 with error="insufficient_scope" when the scopes fall short.
import type { RouteAccess } from '../config/config-schema.ts';
import type { GatewayErrorCode } from '../errors.ts';
import { bearerChallenge } from './auth-error.ts';
import { describeScopes, holdsScopes, type Identity } from './identity.ts';

export interface AccessRefusal {
  code: GatewayErrorCode;
  message: string;
  challenge: string;
}

export function checkRouteAccess(access: RouteAccess, identity: Identity | undefined, what: string): AccessRefusal | undefined {
  if (access === 'public') return undefined;
  if (!identity) return { code: 'UNAUTHENTICATED', message: `${what} needs an authenticated caller: send a bearer token`, challenge: bearerChallenge() };
  if (access === 'authenticated' || holdsScopes(identity, access.scopes)) return undefined;
  const scopes = describeScopes(access.scopes);
  return {
    code: 'FORBIDDEN',
    message: `${what} needs the scope ${scopes}`,
    challenge: bearerChallenge('insufficient_scope', undefined, access.scopes.map((set) => set.join(' ')).join(' ')),
  };
}
