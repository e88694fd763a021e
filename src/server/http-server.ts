// The gateway's node:http server: assigns the request id, routes /graphql to Yoga, the gateway's own
// routes (/, /healthz, /readyz), configured prefixes to the REST passthrough, anything else to a JSON
// 404, and logs one line per request.
import { createServer, STATUS_CODES, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { createSecureServer, Http2ServerResponse, type Http2ServerRequest } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { GatewayConfig } from '../config/config-schema.ts';
import { HTTP_STATUS, type GatewayErrorCode } from '../errors.ts';
import type { GatewayYoga } from '../graphql/create-yoga.ts';
import { GRAPHIQL_ASSETS_PATH, graphiqlAsset } from '../graphql/graphiql.ts';
import type { ServerContext } from '../graphql/server-context.ts';
import { sendStaticFile } from '../http/static-file.ts';
import type { RequestMeta } from '../http/request-meta.ts';
import type { Logger } from '../logger.ts';
import { RequestTrace } from '../tracing/spans.ts';
import type { Tracing } from '../tracing/tracer.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { Passthrough } from '../passthrough/proxy.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import type { DrainState, InFlight } from './drain.ts';
import { closeIdleConnections, isTracked, requestEnded, requestStarted, trackConnections, type GatewayServer } from './connections.ts';
import { healthBody, readiness } from './health.ts';
import { readServerTls } from './server-tls.ts';
import { serveMetrics } from './metrics-endpoint.ts';
import { landingHtml, landingJson } from './landing.ts';
import { REQUEST_ID_HEADER, requestIdOf } from '../http/request-id.ts';
import { sendJson, sendJsonError } from '../http/send-json.ts';

/** What serves requests for the current configuration (request-pipeline.ts); a reload replaces it. */
export interface ServedPipeline {
  config: GatewayConfig;
  /** Its requests in flight: a reload retires it once none is. */
  inFlight: InFlight;
  yoga: GatewayYoga;
  passthrough: Passthrough;
  upstream: UpstreamClient;
  limiter: RateLimiter | undefined;
}

export interface HttpServerOptions {
  /** The configuration the server was made with: its listening and per-connection settings. */
  config: GatewayConfig;
  /** Read at each request's start: the request is served by that pipeline to its end. */
  pipeline: { readonly current: ServedPipeline };
  logger: Logger;
  /** Served at config.metrics.path here, unless an admin port serves them. */
  metrics?: GatewayMetrics | undefined;
  /** Set on SIGTERM: /readyz answers 503 from then on. */
  drain: DrainState;
  tracing?: Tracing | undefined;
  /** Whether a request came straight from a trusted proxy (tracing.acceptTraceparent: "trusted-proxies"). */
  fromTrustedProxy: (req: IncomingMessage) => boolean;
}

/** What answered a request, as the metrics label it. */
type Handler = 'graphql' | 'passthrough' | 'gateway' | 'metrics' | 'not_found';

/** The request target split once into its path and its query string ("?a=1", or ""). */
function splitTarget(url: string | undefined): [path: string, search: string] {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? [raw, ''] : [raw.slice(0, q), raw.slice(q)];
}

export function createHttpServer({ config, pipeline, logger, metrics, drain, tracing, fromTrustedProxy }: HttpServerOptions): GatewayServer {
  const landing = new WeakMap<GatewayConfig, string>(); // the HTML landing page of each configuration
  const logRequests = logger.enabled('info');
  const logHeaders = logger.enabled('debug');
  const metricsPath = metrics && config.metrics.port === undefined ? config.metrics.path : undefined;
  const trustTraceparent = (req: IncomingMessage): boolean => tracing?.accept === 'always' || (tracing?.accept === 'trusted-proxies' && fromTrustedProxy(req));

  const handle = (req: IncomingMessage, res: ServerResponse, meta: RequestMeta, path: string, search: string, startedAt: number): Handler => {
    const { requestId, log } = meta;
    const { config: current, yoga, passthrough, upstream, limiter } = pipeline.current;
    if (path === '/graphql') {
      // requestListener passes extra arguments on as the server context; its type lists only two.
      void (yoga.requestListener as (req: IncomingMessage, res: ServerResponse, context: ServerContext) => unknown)(req, res, { requestId, log, startedAt, trace: meta.trace, operation: undefined });
      return 'graphql';
    }
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    if (current.graphql.graphiql && isRead && path.startsWith(GRAPHIQL_ASSETS_PATH)) {
      graphiqlAsset(path.slice(GRAPHIQL_ASSETS_PATH.length)).then(
        (file) => (file ? sendStaticFile(req, res, file) : sendJsonError(res, 'ROUTE_NOT_FOUND', `no GraphiQL file ${path.slice(0, 200)}`, requestId)),
      ).catch((err: unknown) => {
        log.error('GraphiQL file failed', { error: (err as Error)?.stack ?? String(err) });
        if (!res.headersSent) sendJsonError(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
      });
      return 'gateway';
    }
    if (path === metricsPath && isRead) {
      serveMetrics(res, metrics!, log);
      return 'metrics';
    }
    if (path === '/healthz' && isRead) {
      sendJson(res, 200, healthBody(upstream, limiter));
      return 'gateway';
    }
    if (path === '/readyz' && isRead) {
      if (drain.draining) {
        sendJson(res, 503, { status: 'draining' });
        return 'gateway';
      }
      readiness(upstream, limiter).then(
        ({ ready, body }) => sendJson(res, ready ? 200 : 503, body),
        (err: unknown) => {
          log.error('readiness probe failed', { error: String(err) });
          sendJsonError(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
        },
      );
      return 'gateway';
    }
    if (path === '/' && isRead) {
      if ((req.headers.accept ?? '').includes('text/html')) {
        let html = landing.get(current);
        if (html === undefined) landing.set(current, (html = landingHtml(current)));
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(html)) });
        res.end(html);
      } else {
        sendJson(res, 200, landingJson(current));
      }
      return 'gateway';
    }
    if (passthrough(req, res, meta, path, search)) return 'passthrough';
    sendJsonError(res, 'ROUTE_NOT_FOUND', `no route for ${req.method} ${path.slice(0, 200)}`, requestId);
    return 'not_found';
  };

  const requestTimeout = config.requestTimeoutMs;
  const httpOptions = {
    maxHeaderSize: config.maxHeaderBytes,
    requestTimeout,
    headersTimeout: Math.min(66_000, requestTimeout),
    // Node checks the timeouts on this interval (30 s by default), so a short timeout needs a shorter one.
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(requestTimeout / 4))),
  };
  const hsts = config.tls?.hsts ? `max-age=${Math.floor(config.tls.hsts.maxAgeMs / 1000)}${config.tls.hsts.includeSubDomains ? '; includeSubDomains' : ''}` : undefined;
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdOf(req, config.trustRequestId);
    res.setHeader(REQUEST_ID_HEADER, requestId);
    if (hsts) res.setHeader('strict-transport-security', hsts);
    // Draining: this answer ends its connection, so the client's next request opens one elsewhere
    // (HTTP/2 has no such header: its sessions get GOAWAY from the drain).
    if (drain.draining && req.httpVersionMajor < 2) res.setHeader('connection', 'close');
    const [path, search] = splitTarget(req.url);
    // Traced: every request but the probes and the metrics scrapes has a span.
    const trace = tracing && !((path === '/healthz' || path === '/readyz' || path === metricsPath) && req.method === 'GET')
      ? new RequestTrace(tracing.tracer, req.headers, req.method ?? 'GET', path.slice(0, 200), trustTraceparent(req))
      : undefined;
    // One logger per request: every line it writes (the request's, its REST calls') carries its id, and the trace's.
    const log = logger.child(trace ? { requestId, traceId: trace.traceId } : { requestId });
    const startedAt = performance.now();
    let handler: Handler = 'gateway';
    if (logHeaders) log.debug('request headers', { method: req.method, headers: req.headers });
    const served = pipeline.current;
    drain.inFlight++;
    served.inFlight.start();
    if (counted) requestStarted(server, req);
    // 'close' comes after the answer is sent, or when the client left first (logged as 499).
    res.once('close', () => {
      drain.inFlight--;
      served.inFlight.end();
      if (counted) requestEnded(server, req);
      if (drain.refusing) setImmediate(() => closeIdleConnections(server)); // this connection, now idle
      if (!logRequests && !metrics && !trace) return;
      const status = res.writableFinished ? res.statusCode : 499;
      trace?.end(status);
      const ms = performance.now() - startedAt;
      metrics?.httpRequest(handler, req.method ?? 'GET', status, ms / 1000);
      if (logRequests) log.info('request', { method: req.method, path: path.slice(0, 200), status, ms: Math.round(ms * 100) / 100 });
    });
    try {
      handler = handle(req, res, { requestId, log, trace }, path, search, startedAt);
    } catch (err) {
      log.error('unexpected error in the HTTP server', { error: (err as Error).stack ?? String(err) });
      if (!res.headersSent) sendJsonError(res, 'INTERNAL_SERVER_ERROR', 'Unexpected error.', requestId);
      else res.destroy();
    }
  };
  const server = serverFor(config, httpOptions, listener);
  // Only the HTTP/2 server's HTTP/1.1 connections count their requests (node:http does it itself).
  const counted = isTracked(server);
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
  return server;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

const IDLE_TIMEOUT_MS = 65_000;

/** Headers about the connection, which HTTP/2 forbids (node:http2 throws on them). */
const CONNECTION_HEADERS = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

/**
 * The answers of the HTTP/2 server (made once, as its response class, rather than per request): its
 * writeHead drops what HTTP/2 has no room for, so code written for HTTP/1.1 answers over both — a
 * status message (Yoga's adapter gives one; node:http2 warns on stderr, a line that is no JSON log
 * line) and connection-level headers (a refusal that closes an HTTP/1.1 connection; HTTP/2 resets the
 * stream itself).
 */
class Http2Answer extends Http2ServerResponse {
  override writeHead(status: number, ...rest: unknown[]): this {
    const headers = (typeof rest[0] === 'string' ? rest[1] : rest[0]) as Record<string, unknown> | undefined;
    let kept = headers;
    if (headers && CONNECTION_HEADERS.some((h) => h in headers)) {
      kept = { ...headers };
      for (const h of CONNECTION_HEADERS) delete kept[h];
    }
    for (const h of CONNECTION_HEADERS) this.removeHeader(h);
    return (super.writeHead as (status: number, headers?: object) => this)(status, kept);
  }
}

/**
 * Plain HTTP; or, with config.tls, HTTPS: HTTP/2 and HTTP/1.1 on one port (ALPN), node:http2's
 * compatibility API giving the listener objects that behave as node:http's; or HTTP/1.1 alone (tls.http2
 * false). The HTTP/1.1 limits (head size, the time a request has to arrive) hold on every kind; an
 * HTTP/2 request head is bounded by the maxHeaderListSize setting.
 */
function serverFor(config: GatewayConfig, options: ServerOptions, listener: Listener): GatewayServer {
  const tls = readServerTls(config);
  let server: GatewayServer;
  if (!tls) server = createServer(options, listener);
  else if (!config.tls!.http2) server = createHttpsServer({ ...tls, ...options }, listener);
  else {
    // At most 100 streams at once per connection (nginx's 128, Go's 250; Node's default is no limit): one
    // connection holds no more requests in flight than a hundred HTTP/1.1 connections would.
    const settings = { maxHeaderListSize: config.maxHeaderBytes, maxConcurrentStreams: 100 };
    const h2 = createSecureServer({ ...tls, allowHTTP1: true, settings, Http2ServerResponse: Http2Answer }, listener as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void);
    // The HTTP/1.1 connections it serves go through node:http's own machinery, which reads these (below too).
    Object.assign(h2, { requestTimeout: options.requestTimeout, headersTimeout: options.headersTimeout, connectionsCheckingInterval: options.connectionsCheckingInterval, maxHeaderSize: options.maxHeaderSize });
    // An HTTP/2 session idle this long is closed (none would be, and each holds its memory and socket).
    h2.setTimeout(IDLE_TIMEOUT_MS);
    trackConnections(h2);
    server = h2;
  }
  // Keep-alive outlives common client and load-balancer idle timeouts.
  Object.assign(server, { keepAliveTimeout: IDLE_TIMEOUT_MS, maxHeadersCount: 200 });
  return server;
}
