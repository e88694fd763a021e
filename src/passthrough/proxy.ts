// The REST passthrough: a request under a configured prefix goes to its service through the same
// upstream layer as GraphQL (pools, breakers, instance choice, retries only for idempotent requests with
// no body), with both bodies streamed, never held whole. A route's method may need an authenticated
// caller or scopes (the same verifier as GraphQL); the identity goes on in the gateway's own headers.
// Failures answer with the gateway's JSON errors: 401/403 refused, 502 unreachable, 503 breaker open
// (with Retry-After), 504 timeout, 413 body too large, 400 bad path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { AuthError, challengeHeaders } from '../auth/auth-error.ts';
import type { Authenticate } from '../auth/authenticate.ts';
import { identityHeaders, ownedHeaders } from '../auth/identity-headers.ts';
import type { Identity } from '../auth/identity.ts';
import { checkRouteAccess } from '../auth/route-access.ts';
import type { GatewayConfig } from '../config/config-schema.ts';
import type { GatewayErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { limitHeaders, limitRefusal } from '../rate-limit/limit-headers.ts';
import { limitKey, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import { sendJsonError } from '../http/send-json.ts';
import { failureCode, UpstreamFailure } from '../upstream/errors.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { BodyLimit } from './body-limit.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';
import { checkPath } from './normalize-path.ts';
import { accessOf, createRouteTable } from './routes.ts';

export interface PassthroughOptions {
  config: GatewayConfig;
  upstream: UpstreamClient;
  authenticate: Authenticate;
  /** Rate limits per identity and route; none when rate limiting is off. */
  limiter: RateLimiter | undefined;
  clientAddress: (req: IncomingMessage) => string;
  logger: Logger;
}

/** Handles the request if a route matches its path; returns false when none does. */
export type Passthrough = (req: IncomingMessage, res: ServerResponse, requestId: string, path: string, search: string) => boolean;

export function createPassthrough({ config, upstream, authenticate, limiter, clientAddress, logger }: PassthroughOptions): Passthrough {
  const table = createRouteTable(config.routes);
  const owned = ownedHeaders(config.auth, config.passthrough.ownedHeaders);
  const max = config.passthrough.maxBodyBytes;

  const refuse = (res: ServerResponse, code: GatewayErrorCode, message: string, requestId: string, headers?: Record<string, string>): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJsonError(res, code, message, requestId, headers);
  };

  return (req, res, requestId, path, search) => {
    // Checked before routing, so that no spelling of a path can pick a route it does not look like.
    const checked = checkPath(path);
    if (!checked.ok) {
      refuse(res, 'BAD_REQUEST', `ambiguous path: ${checked.reason}`, requestId);
      return true;
    }
    const match = table.match(path);
    if (!match) return false;
    const length = req.headers['content-length'];
    const chunked = req.headers['transfer-encoding'] !== undefined;
    if (length !== undefined && Number(length) > max) {
      // The body is not read: the connection closes after the answer instead.
      refuse(res, 'PAYLOAD_TOO_LARGE', `the request body is over the limit of ${max} bytes`, requestId, { connection: 'close' });
      return true;
    }
    const { route, upstreamPath } = match;
    const method = req.method ?? 'GET';
    const access = accessOf(route, method);
    const authorization = req.headers.authorization;
    // A refused request's body is never read: its connection closes after the answer.
    const close = length !== undefined || chunked ? { connection: 'close' } : undefined;
    // Public routes without credentials (the common case) skip verification; anything else is verified first.
    if (authorization === undefined && access === 'public' && search === '') {
      admit(undefined);
      return true;
    }
    authenticate(authorization, search).then(
      (identity) => {
        const refusal = checkRouteAccess(access, identity, `${method} ${route.prefix}`, path, config.auth.adminScope);
        if (refusal) refuse(res, refusal.code, refusal.message, requestId, { 'www-authenticate': refusal.challenge, ...close });
        else admit(identity);
      },
      (err: unknown) => {
        if (!(err instanceof AuthError)) {
          logger.error('unexpected error in authentication', { requestId, error: (err as Error)?.stack ?? String(err) });
          return refuse(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId, close);
        }
        refuse(res, err.code, err.message, requestId, { ...challengeHeaders(err), ...close });
      },
    );
    return true;

    /** The route's rate limit for this caller; every answer of a limited route carries the RateLimit-* headers. */
    function admit(identity: Identity | undefined): void {
      const budgets = route.rateLimit;
      if (!limiter || !budgets) return forward(identity);
      const budget = identity ? budgets.authenticated : budgets.anonymous;
      limiter.check(limitKey(identity?.subject, clientAddress(req)), `route:${route.prefix}`, budget).then(
        (decision) => {
          const headers = limitHeaders(decision);
          if (!decision.allowed) {
            const { code, message } = limitRefusal(decision, route.prefix);
            return refuse(res, code, message, requestId, { ...headers, ...close });
          }
          for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
          forward(identity);
        },
        (err: unknown) => {
          logger.error('unexpected error in the rate limiter', { requestId, error: (err as Error)?.stack ?? String(err) });
          refuse(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId, close);
        },
      );
    }

    function forward(identity: Identity | undefined): void {
      if (res.destroyed) return; // the client left while its token was checked
      let body: Readable | null = null;
      let limit: BodyLimit | undefined;
      if (chunked) {
        limit = new BodyLimit(max);
        body = req.pipe(limit);
      } else if (length !== undefined && length !== '0') {
        body = req;
      }

      const gone = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) gone.abort();
      });
      const service = config.services[route.service]!;
      const headers = upstreamRequestHeaders(req, requestId, owned);
      const identityFields = identityHeaders(identity, service, config.auth.identityHeaders);
      if (identityFields) Object.assign(headers, identityFields);
      upstream
        .call(route.service, { method, path: upstreamPath + search, requestId, signal: gone.signal, raw: { headers, body } })
        .then((answer) => {
          const raw = answer.raw!;
          res.writeHead(answer.status, clientResponseHeaders(raw.headers));
          // pipe() with explicit error handling rather than stream.pipeline(), which allocates an
          // AbortController per call and aborts it (building a DOMException) when the copy ends.
          raw.body.once('error', (err: Error) => {
            if (!gone.signal.aborted) logger.warn('passthrough answer cut short', { requestId, service: route.service, error: err.message });
            res.destroy(err);
          });
          raw.body.pipe(res);
        })
        .catch((err: unknown) => {
          if (limit?.exceeded) return refuse(res, 'PAYLOAD_TOO_LARGE', `the request body is over the limit of ${max} bytes`, requestId, { connection: 'close' });
          if (!(err instanceof UpstreamFailure)) {
            logger.error('unexpected error in the passthrough', { requestId, error: (err as Error)?.stack ?? String(err) });
            return refuse(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
          }
          if (err.kind === 'cancelled') return res.destroy();
          const code = failureCode(err);
          const retry: Record<string, string> = {};
          if (code === 'SERVICE_UNAVAILABLE') retry['retry-after'] = String(Math.max(1, Math.ceil(service.breaker.resetTimeoutMs / 1000)));
          refuse(res, code, err.message, requestId, retry);
        });
    }
    return true;
  };
}
