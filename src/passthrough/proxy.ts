// The REST passthrough: a request under a configured prefix goes to its service through the same
// upstream layer as GraphQL (pools, breakers, instance choice, retries only for idempotent requests with
// no body), with both bodies streamed, never held whole. Failures answer with the gateway's JSON errors:
// 502 unreachable, 503 breaker open (with Retry-After), 504 timeout, 413 body too large, 400 bad path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { GatewayConfig } from '../config/config-schema.ts';
import type { GatewayErrorCode } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { sendJsonError } from '../server/send-json.ts';
import { failureCode, UpstreamFailure } from '../upstream/errors.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { BodyLimit } from './body-limit.ts';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.ts';
import { checkPath } from './normalize-path.ts';
import { createRouteTable } from './routes.ts';

export interface PassthroughOptions {
  config: GatewayConfig;
  upstream: UpstreamClient;
  logger: Logger;
}

/** Handles the request if a route matches its path; returns false when none does. */
export type Passthrough = (req: IncomingMessage, res: ServerResponse, requestId: string, path: string, search: string) => boolean;

export function createPassthrough({ config, upstream, logger }: PassthroughOptions): Passthrough {
  const table = createRouteTable(config.routes);
  const owned = new Set(config.passthrough.ownedHeaders);
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
    const { route, upstreamPath } = match;
    upstream
      .call(route.service, {
        method: req.method ?? 'GET',
        path: upstreamPath + search,
        requestId,
        raw: { headers: upstreamRequestHeaders(req, requestId, owned), body, signal: gone.signal },
      })
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
        const headers: Record<string, string> = {};
        if (code === 'SERVICE_UNAVAILABLE') {
          headers['retry-after'] = String(Math.max(1, Math.ceil(config.services[route.service]!.breaker.resetTimeoutMs / 1000)));
        }
        refuse(res, code, err.message, requestId, headers);
      });
    return true;
  };
}
