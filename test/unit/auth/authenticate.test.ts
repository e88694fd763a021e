// Reading the bearer token (auth/authenticate.ts) and route access rules (auth/route-access.ts), with a
// verifier that accepts any token it is given: what reaches the verifier, and what never does.
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../../src/auth/auth-error.ts';
import { createAuthenticate } from '../../../src/auth/authenticate.ts';
import type { Identity } from '../../../src/auth/identity.ts';
import { checkRouteAccess, ownerInPath } from '../../../src/auth/route-access.ts';
import type { TokenVerifier } from '../../../src/auth/token-verifier.ts';

const verified: string[] = [];
const verifier = { verify: async (token: string): Promise<Identity> => (verified.push(token), { subject: 's', scopes: new Set(), token }) } as unknown as TokenVerifier;
const authenticate = createAuthenticate(verifier, 64);
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (err: AuthError) => ({ code: err.code, bearerError: err.bearerError, message: err.message }));

describe('createAuthenticate', () => {
  it('passes a bearer token to the verifier; no header is anonymous', async () => {
    expect(await authenticate('Bearer abc.def.ghi', '')).toMatchObject({ token: 'abc.def.ghi' });
    expect(await authenticate('bearer   abc', '')).toMatchObject({ token: 'abc' });
    expect(await authenticate(undefined, '?limit=2')).toBeUndefined();
  });

  it('refuses a token in the URL (400), a non-Bearer scheme and an oversized header, before any verification', async () => {
    verified.length = 0;
    expect(await refusal(authenticate(undefined, '?access_token=abc'))).toMatchObject({ code: 'BAD_REQUEST', bearerError: 'invalid_request' });
    expect(await refusal(authenticate('Bearer x', '?a=1&id_token=abc'))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(authenticate('Basic dXNlcjpwYXNz', ''))).toMatchObject({ code: 'UNAUTHENTICATED', bearerError: 'invalid_request' });
    expect(await refusal(authenticate(`Bearer ${'a'.repeat(100)}`, ''))).toMatchObject({ code: 'UNAUTHENTICATED', bearerError: 'invalid_token', message: 'the token is larger than 64 bytes' });
    expect(verified).toEqual([]);
  });
});

describe('route access', () => {
  const caller = (subject: string, ...scopes: string[]): Identity => ({ subject, scopes: new Set(scopes), token: 't' });

  it('reads the owner from a path pattern, only where the path reaches it', () => {
    expect(ownerInPath('/users/{id}', '/users/7')).toBe('7');
    expect(ownerInPath('/users/{id}', '/users/7/favorites/3')).toBe('7');
    expect(ownerInPath('/users/{id}', '/users')).toBeUndefined();
    expect(ownerInPath('/users/{id}', '/movies/7')).toBeUndefined();
  });

  it('answers 401 with a challenge without a caller, 403 insufficient_scope without the scopes or ownership', () => {
    const rule = { scopes: [['users:write']], owner: '/users/{id}' };
    expect(checkRouteAccess('public', undefined, 'GET /users', '/users', 'admin')).toBeUndefined();
    expect(checkRouteAccess('authenticated', undefined, 'POST /users', '/users', 'admin')).toMatchObject({ code: 'UNAUTHENTICATED', challenge: 'Bearer realm="gateway"' });
    expect(checkRouteAccess(rule, caller('7'), 'PATCH /users', '/users/7', 'admin')).toMatchObject({ code: 'FORBIDDEN', challenge: expect.stringContaining('scope="users:write"') });
    expect(checkRouteAccess(rule, caller('8', 'users:write'), 'PATCH /users', '/users/7', 'admin')).toMatchObject({ code: 'FORBIDDEN', challenge: expect.stringContaining('scope="admin"') });
    expect(checkRouteAccess(rule, caller('7', 'users:write'), 'PATCH /users', '/users/7', 'admin')).toBeUndefined();
    expect(checkRouteAccess(rule, caller('8', 'users:write', 'admin'), 'PATCH /users', '/users/7', 'admin')).toBeUndefined();
  });
});
