// The passthrough's admission on its own: path checks before routing, the declared body size, the
// caller's identity, the route's access rule and rate limit, and which refusals close the connection.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { invalidToken } from '../../../src/auth/auth-error.ts';
import type { Authenticate } from '../../../src/auth/authenticate.ts';
import { loadConfig } from '../../../src/config/load-config.ts';
import { createPassthroughGuard, type Admission } from '../../../src/passthrough/guard.ts';
import { createLogger } from '../../../src/logger.ts';
import { RateLimiter } from '../../../src/rate-limit/rate-limiter.ts';

const config = loadConfig({ envFile: false, env: {}, overrides: { passthrough: { maxBodyBytes: 1000 }, rateLimit: { routes: { anonymous: { max: 1, window: '1m' } } } } });
/** Tokens are "sub:scopes"; "bad" fails verification. */
const authenticate: Authenticate = async (authorization) => {
  if (authorization === undefined) return undefined;
  const token = authorization.replace(/^Bearer /, '');
  if (token === 'bad') throw invalidToken('signature verification failed');
  const colon = token.indexOf(':');
  const [subject, scopes] = colon === -1 ? [token, ''] : [token.slice(0, colon), token.slice(colon + 1)];
  return { subject, scopes: new Set(scopes.split(' ').filter(Boolean)), token };
};
const request = (method: string, headers: Record<string, string> = {}): IncomingMessage => ({ method, headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;
const guard = createPassthroughGuard({ config, authenticate, limiter: undefined, clientAddress: () => '127.0.0.1' });

describe('the passthrough guard', () => {
  it('refuses an ambiguous path before routing, and leaves unrouted paths to the server', () => {
    expect(guard(request('GET'), '/users/..;/movies', '')).toEqual({ admitted: false, refusal: { code: 'BAD_REQUEST', message: 'ambiguous path: dot segments with ";" parameters ("..;") are not allowed in paths' }, close: false });
    expect(guard(request('GET'), '/nowhere', '')).toBeUndefined();
  });

  it('admits an anonymous read of a public route at once, with no promise', () => {
    const admission = guard(request('GET'), '/users/7', '') as Admission;
    expect(admission).toMatchObject({ admitted: true, upstreamPath: '/users/7', identity: undefined });
  });

  it('refuses a declared body over the limit and closes the connection, its body unread', () => {
    expect(guard(request('POST', { 'content-length': '5000' }), '/users', '')).toMatchObject({ admitted: false, refusal: { code: 'PAYLOAD_TOO_LARGE' }, close: true });
  });

  it('applies the route\'s access rule to the verified caller', async () => {
    expect(await guard(request('DELETE', { 'content-length': '0' }), '/movies/1', '')).toMatchObject({ admitted: false, refusal: { code: 'UNAUTHENTICATED' }, close: true });
    expect(await guard(request('DELETE', { authorization: 'Bearer 1:users:write' }), '/movies/1', '')).toMatchObject({ admitted: false, refusal: { code: 'FORBIDDEN', headers: { 'www-authenticate': expect.stringContaining('insufficient_scope') } } });
    expect(await guard(request('DELETE', { authorization: 'Bearer 1:movies:write' }), '/movies/1', '')).toMatchObject({ admitted: true, identity: { subject: '1' } });
    // The owner rule of the default /users route: only one's own record.
    expect(await guard(request('PATCH', { authorization: 'Bearer 1:users:write' }), '/users/2', '')).toMatchObject({ admitted: false, refusal: { code: 'FORBIDDEN' } });
  });

  it('refuses a bad token even on a public route, with the Bearer challenge', async () => {
    expect(await guard(request('GET', { authorization: 'Bearer bad' }), '/users/1', '')).toMatchObject({
      admitted: false,
      refusal: { code: 'UNAUTHENTICATED', headers: { 'www-authenticate': expect.stringContaining('error="invalid_token"') } },
    });
  });

  it('rate-limits per route and caller through the same step as GraphQL operations', async () => {
    const limiter = new RateLimiter(config.rateLimit, createLogger({ level: 'silent' }));
    try {
      const limited = createPassthroughGuard({ config, authenticate, limiter, clientAddress: () => '10.0.0.1' });
      expect(await limited(request('GET'), '/users/1', '')).toMatchObject({ admitted: true, limitHeaders: { 'ratelimit-limit': '1', 'ratelimit-remaining': '0' } });
      expect(await limited(request('GET'), '/users/1', '')).toMatchObject({ admitted: false, refusal: { code: 'RATE_LIMITED', headers: { 'retry-after': expect.any(String) } } });
    } finally {
      await limiter.close();
    }
  });
});
