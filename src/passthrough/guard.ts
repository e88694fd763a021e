// The passthrough's admission, decided before a byte of the body is read: the path checks (before
// routing, so no spelling of a path picks a route it does not look like), the route, the declared body
// size, who the caller is, whether the route's access rule admits them, and the route's rate limit.
// The identity and rate-limit steps are the ones the GraphQL plugins use (src/policy/).
import type { IncomingMessage } from 'node:http';
import { checkRouteAccess } from '../auth/route-access.ts';
import type { Authenticate } from '../auth/authenticate.ts';
import type { Identity } from '../auth/identity.ts';
import type { GatewayConfig, RouteConfig } from '../config/config-schema.ts';
import { identifyCaller } from '../policy/identify-caller.ts';
import { limitCaller } from '../policy/limit-caller.ts';
import type { Refusal } from '../policy/refusal.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { checkPath } from './normalize-path.ts';
import { accessOf, createRouteTable } from './routes.ts';

export type Admission =
  | { admitted: true; route: RouteConfig; upstreamPath: string; identity: Identity | undefined; limitHeaders: Record<string, string> | undefined }
  /** `close`: the body was not read, so the connection cannot carry another request. */
  | { admitted: false; refusal: Refusal; close: boolean };

/** The request's admission, or undefined when no route matches its path. */
export type PassthroughGuard = (req: IncomingMessage, path: string, search: string) => Admission | Promise<Admission> | undefined;

export interface GuardOptions {
  config: GatewayConfig;
  authenticate: Authenticate;
  /** Rate limits per identity and route; none when rate limiting is off. */
  limiter: RateLimiter | undefined;
  clientAddress: (req: IncomingMessage) => string;
}

export function createPassthroughGuard({ config, authenticate, limiter, clientAddress }: GuardOptions): PassthroughGuard {
  const table = createRouteTable(config.routes);
  const max = config.passthrough.maxBodyBytes;
  const refused = (refusal: Refusal, close: boolean): Admission => ({ admitted: false, refusal, close });

  return (req, path, search) => {
    const checked = checkPath(path);
    if (!checked.ok) return refused({ code: 'BAD_REQUEST', message: `ambiguous path: ${checked.reason}` }, false);
    const match = table.match(path);
    if (!match) return undefined;
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > max) return refused({ code: 'PAYLOAD_TOO_LARGE', message: `the request body is over the limit of ${max} bytes` }, true);
    // A refused request's body is never read: its connection closes after the answer.
    const close = length !== undefined || req.headers['transfer-encoding'] !== undefined;
    const { route, upstreamPath } = match;
    const method = req.method ?? 'GET';

    const admit = (identity: Identity | undefined): Admission | Promise<Admission> => {
      const rule = checkRouteAccess(accessOf(route, method), identity, `${method} ${route.prefix}`, path, config.auth.adminScope);
      if (rule) return refused({ code: rule.code, message: rule.message, headers: { 'www-authenticate': rule.challenge } }, close);
      const budgets = route.rateLimit;
      if (!limiter || !budgets) return { admitted: true, route, upstreamPath, identity, limitHeaders: undefined };
      return limitCaller(limiter, identity, clientAddress(req), `route:${route.prefix}`, budgets, route.prefix).then(({ headers, refusal }) =>
        refusal ? refused(refusal, close) : { admitted: true, route, upstreamPath, identity, limitHeaders: headers },
      );
    };
    const caller = identifyCaller(authenticate, req.headers.authorization, search);
    if (!(caller instanceof Promise)) return caller.refusal ? refused(caller.refusal, close) : admit(caller.identity);
    return caller.then((c) => (c.refusal ? refused(c.refusal, close) : admit(c.identity)));
  };
}
