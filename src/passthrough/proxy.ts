// The REST passthrough's stream: a request the guard admitted goes to its route's service through the
// same upstream layer as GraphQL (pools, breakers, instance choice, retries only for requests with no
// body), both bodies streamed, never held whole, with the gateway's own headers (request id, forwarded
// headers, the caller's identity). What the guard refuses, and what the upstream layer fails with, is
// answered with the gateway's JSON errors: 502 unreachable, 503 breaker open (with Retry-After), 504
// timeout, 413 a streamed body over the limit.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Readable } from 'node:stream';
import { ownedHeaders } from '../auth/identity-headers.ts';
import type { GatewayConfig } from '../config/config-schema.ts';
import { sendJsonError } from '../http/send-json.ts';
import type { RequestMeta } from '../http/request-meta.ts';
import { callHeaders } from '../policy/call-headers.ts';
import type { Refusal } from '../policy/refusal.ts';
import { failureCode, UpstreamFailure } from '../upstream/errors.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { BodyLimit } from './body-limit.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';
import type { Admission, PassthroughGuard } from './guard.ts';

export interface PassthroughOptions {
  config: GatewayConfig;
  guard: PassthroughGuard;
  upstream: UpstreamClient;
  /** Whether the connection comes from one of rateLimit.trustedProxies (its X-Forwarded-Proto is believed). */
  fromTrustedProxy?: ((req: IncomingMessage) => boolean) | undefined;
}

/** Handles the request if a route matches its path; returns false when none does. */
export type Passthrough = (req: IncomingMessage, res: ServerResponse, meta: RequestMeta, path: string, search: string) => boolean;

export function createPassthrough({ config, guard, upstream, fromTrustedProxy }: PassthroughOptions): Passthrough {
  // Every service's signed-identity header too: a client's copy reaches no service, signing or not.
  const signatures = Object.values(config.services).flatMap((s) => (s.signIdentity ? [s.signIdentity.header] : []));
  const owned = ownedHeaders(config.auth, [...config.passthrough.ownedHeaders, ...signatures]);
  const max = config.passthrough.maxBodyBytes;

  const refuse = (res: ServerResponse, refusal: Refusal, requestId: string, close = false): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // HTTP/1.1 closes the connection (its unread body would follow); over HTTP/2 the server's answers
    // drop the header and the stream is reset (server/http-server.ts).
    sendJsonError(res, refusal.code, refusal.message, requestId, close ? { ...refusal.headers, connection: 'close' } : refusal.headers);
  };
  const unexpected = (res: ServerResponse, { requestId, log }: RequestMeta, where: string, err: unknown): void => {
    log.error(`unexpected error in ${where}`, { error: (err as Error)?.stack ?? String(err) });
    refuse(res, { code: 'INTERNAL_SERVER_ERROR', message: 'Unexpected error.' }, requestId, true);
  };

  const stream = (req: IncomingMessage, res: ServerResponse, meta: RequestMeta, search: string, admission: Admission): void => {
    const { requestId, log, trace } = meta;
    if (!admission.admitted) return refuse(res, admission.refusal, requestId, admission.close);
    if (res.destroyed) return; // the client left while it was being admitted
    const { route, upstreamPath, identity } = admission;
    for (const [name, value] of Object.entries(admission.limitHeaders ?? {})) res.setHeader(name, value);
    let body: Readable | null = null;
    let limit: BodyLimit | undefined;
    const declared = req.headers['content-length'];
    // A body of no declared size: chunked HTTP/1.1, or an HTTP/2 stream whose headers did not end it.
    if (req.headers['transfer-encoding'] !== undefined || (declared === undefined && req.httpVersionMajor === 2 && !(req as unknown as Http2ServerRequest).stream.endAfterHeaders)) {
      limit = new BodyLimit(max);
      body = req.pipe(limit);
    } else if (declared !== undefined && declared !== '0') {
      body = req;
    }

    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const service = config.services[route.service]!;
    const headers = upstreamRequestHeaders(req, requestId, owned, fromTrustedProxy?.(req) ?? false);
    // The client's headers (less the owned ones) already stand; the service's configured ones and the identity go over them.
    const added = callHeaders(service, identity, config.auth.identityHeaders);
    if (added) Object.assign(headers, added);
    upstream
      .call(route.service, { method: req.method ?? 'GET', path: upstreamPath + search, route: `${route.rewrite}/*`, requestId, log, trace, signal: gone.signal, raw: { headers, body } })
      .then((answer) => {
        const raw = answer.raw!;
        res.writeHead(answer.status, clientResponseHeaders(raw.headers));
        // pipe() with explicit error handling rather than stream.pipeline(), which allocates an
        // AbortController per call and aborts it (building a DOMException) when the copy ends.
        raw.body.once('error', (err: Error) => {
          if (!gone.signal.aborted) log.warn('passthrough answer cut short', { service: route.service, error: err.message });
          res.destroy(err);
        });
        raw.body.pipe(res);
      })
      .catch((err: unknown) => {
        if (limit?.exceeded) return refuse(res, { code: 'PAYLOAD_TOO_LARGE', message: `the request body is over the limit of ${max} bytes` }, requestId, true);
        if (!(err instanceof UpstreamFailure)) return unexpected(res, meta, 'the passthrough', err);
        if (err.kind === 'cancelled') return res.destroy();
        const code = failureCode(err);
        const retry = code === 'SERVICE_UNAVAILABLE' ? { 'retry-after': String(Math.max(1, Math.ceil(service.breaker.resetTimeoutMs / 1000))) } : undefined;
        refuse(res, { code, message: err.message, headers: retry }, requestId);
      });
  };

  return (req, res, meta, path, search) => {
    const admission = guard(req, path, search);
    if (admission === undefined) return false;
    if (admission instanceof Promise) {
      admission.then(
        (a) => stream(req, res, meta, search, a),
        (err: unknown) => unexpected(res, meta, 'the passthrough guard', err),
      );
    } else {
      stream(req, res, meta, search, admission);
    }
    return true;
  };
}
