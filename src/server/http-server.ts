// The gateway's node:http server: assigns the request id, routes /graphql to Yoga, the gateway's own
// routes (/, /healthz, /readyz), configured prefixes to the REST passthrough, anything else to a JSON
// 404, and logs one line per request.
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { GatewayConfig } from '../config/config-schema.ts';
import { HTTP_STATUS, type GatewayErrorCode } from '../errors.ts';
import type { GatewayYoga } from '../graphql/create-yoga.ts';
import type { Logger } from '../logger.ts';
import type { Passthrough } from '../passthrough/proxy.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { healthBody, readiness } from './health.ts';
import { landingHtml, landingJson } from './landing.ts';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id.ts';
import { sendJson, sendJsonError } from '../http/send-json.ts';

export interface HttpServerOptions {
  config: GatewayConfig;
  yoga: GatewayYoga;
  passthrough: Passthrough;
  upstream: UpstreamClient;
  limiter?: RateLimiter | undefined;
  logger: Logger;
}

/** The request target split once into its path and its query string ("?a=1", or ""). */
function splitTarget(url: string | undefined): [path: string, search: string] {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? [raw, ''] : [raw.slice(0, q), raw.slice(q)];
}

export function createHttpServer({ config, yoga, passthrough, upstream, limiter, logger }: HttpServerOptions): Server {
  const html = landingHtml(config);
  const logRequests = logger.enabled('info');
  const logHeaders = logger.enabled('debug');

  const handle = (req: IncomingMessage, res: ServerResponse, requestId: string, log: Logger): void => {
    const [path, search] = splitTarget(req.url);
    if (path === '/graphql') {
      // requestListener passes extra arguments on as the server context; its type lists only two.
      void (yoga.requestListener as (req: IncomingMessage, res: ServerResponse, context: { requestId: string; log: Logger }) => unknown)(req, res, { requestId, log });
      return;
    }
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (path === '/healthz' && isRead) return sendJson(res, 200, healthBody(upstream, limiter));
    if (path === '/readyz' && isRead) {
      readiness(upstream, limiter).then(
        ({ ready, body }) => sendJson(res, ready ? 200 : 503, body),
        (err: unknown) => {
          log.error('readiness probe failed', { error: String(err) });
          sendJsonError(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
        },
      );
      return;
    }
    if (path === '/' && isRead) {
      if ((req.headers.accept ?? '').includes('text/html')) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
        res.end(html);
        return;
      }
      return sendJson(res, 200, landingJson(config));
    }
    if (passthrough(req, res, requestId, log, path, search)) return;
    sendJsonError(res, 'ROUTE_NOT_FOUND', `no route for ${req.method} ${path.slice(0, 200)}`, requestId);
  };

  const requestTimeout = config.requestTimeoutMs;
  const server = createServer({
    maxHeaderSize: config.maxHeaderBytes,
    requestTimeout,
    headersTimeout: Math.min(66_000, requestTimeout),
    // Node checks the timeouts on this interval (30 s by default), so a short timeout needs a shorter one.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4))),
  }, (req, res) => {
    const requestId = requestIdOf(req, config.trustRequestId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // One logger per request: every line it writes (the request's, its REST calls') carries its id.
    const log = logger.child({ requestId });
    if (logRequests) {
      const started = performance.now();
      if (logHeaders) log.debug('request headers', { method: req.method, headers: req.headers });
      res.once('finish', () => {
        log.info('request', { method: req.method, path: splitTarget(req.url)[0].slice(0, 200), status: res.statusCode, ms: Math.round((performance.now() - started) * 100) / 100 });
      });
    }
    try {
      handle(req, res, requestId, log);
    } catch (err) {
      log.error('unexpected error in the HTTP server', { error: (err as Error).stack ?? String(err) });
      if (!res.headersSent) sendJsonError(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
      else res.destroy();
    }
  });
  // Requests Node's parser refuses (malformed, oversized heads, Content-Length with Transfer-Encoding)
  // get a JSON answer too, and their connection is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket & { _httpMessage?: ServerResponse }) => {
    // As Node's own handler does: no answer on a socket that is gone or whose answer has begun (a
    // passthrough response already streaming when a slow upload runs out of time).
    if (!socket.writable || err.code === 'ECONNRESET' || socket._httpMessage?.headersSent) return socket.destroy();
    const [code, message]: [GatewayErrorCode, string] =
      err.code === 'HPE_HEADER_OVERFLOW' ? ['HEADERS_TOO_LARGE', 'request head too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? ['REQUEST_TIMEOUT', 'the request took too long to arrive']
      : ['BAD_REQUEST', 'malformed HTTP request'];
    const status = HTTP_STATUS[code];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  server.keepAliveTimeout = 65_000; // outlive common client and load-balancer idle timeouts
  server.maxHeadersCount = 200;
  return server;
}
