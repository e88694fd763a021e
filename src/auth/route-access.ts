// The access rule of a passthrough route's method against the caller: public, any authenticated
// caller, or a rule of scopes and/or ownership. Refusals follow RFC 6750: 401 with a Bearer challenge
// when there is no identity, 403 with error="insufficient_scope" when the scopes fall short.
import type { RouteAccess } from '../config/config-schema.ts';
import type { GatewayErrorCode } from '../errors.ts';
import { bearerChallenge } from './auth-error.ts';
import { describeScopes, holdsScopes, type Identity } from './identity.ts';

export interface AccessRefusal {
  code: GatewayErrorCode;
  message: string;
  challenge: string;
}

/**
 * The owner's id in `path` by an owner pattern ("/users/{id}" gives "7" for /users/7 and
 * /users/7/favorites/3), or undefined when the path does not reach that far (POST /users): the rule
 * is about existing records only.
 */
export function ownerInPath(pattern: string, path: string): string | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (have.length < want.length) return undefined;
  let owner: string | undefined;
  for (let i = 1; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith('{')) owner = decodeURIComponent(have[i]!);
    else if (w !== have[i]) return undefined;
  }
  return owner === '' ? undefined : owner;
}

export function checkRouteAccess(access: RouteAccess, identity: Identity | undefined, what: string, path: string, adminScope: string): AccessRefusal | undefined {
  if (access === 'public') return undefined;
  if (!identity) return { code: 'UNAUTHENTICATED', message: `${what} needs an authenticated caller: send a bearer token`, challenge: bearerChallenge() };
  if (access === 'authenticated') return undefined;
  if (access.scopes && !holdsScopes(identity, access.scopes)) {
    return {
      code: 'FORBIDDEN',
      message: `${what} needs the scope ${describeScopes(access.scopes)}`,
      challenge: bearerChallenge('insufficient_scope', undefined, access.scopes.map((set) => set.join(' ')).join(' ')),
    };
  }
  if (access.owner) {
    const owner = ownerInPath(access.owner, path);
    if (owner !== undefined && owner !== identity.subject && !identity.scopes.has(adminScope)) {
      return {
        code: 'FORBIDDEN',
        message: `${what}: a caller may change only their own record (${access.owner} with their id), unless they hold the ${adminScope} scope`,
        challenge: bearerChallenge('insufficient_scope', undefined, adminScope),
      };
    }
  }
  return undefined;
}
