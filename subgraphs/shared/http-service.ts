// A tiny node:http router for the example REST services: JSON in and out, coded errors, and request
// counters on GET /__stats, so tests and benchmarks count the REST calls a gateway makes at the source.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A failure a handler reports to the client: `{ error: { code, message, field? } }` with `status`. */
export class ServiceError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export const badField = (field: string, message: string): ServiceError =>
  new ServiceError(400, 'BAD_REQUEST', `${field}: ${message}`, field);

export interface RequestContext {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
  /** The counter this request is recorded under; a handler may refine it (e.g. `GET /users?ids`). */
  statsKey: string;
}

export interface Reply {
  status?: number;
  /** Serialized as JSON unless it is already a string of JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** `/users/:id` style; a `:name` segment matches one non-empty path segment. */
  pattern: string;
  handler: (ctx: RequestContext) => Reply;
}

export interface ServiceStats {
  service: string;
  total: number;
  routes: Record<string, number>;
}

export interface HttpServiceOptions {
  name: string;
  routes: Route[];
  /** Largest JSON body accepted, in bytes. @default 1 MiB */
  maxBodyBytes?: number;
  /**
   * Cache-Control of successful reads ("public, max-age=5" for public records); each also gets an ETag,
   * and a read whose If-None-Match holds it is answered 304 with no body. None: no cache headers.
   */
  cacheControl?: string;
  /** The service's OpenAPI document, served at GET /openapi.json. */
  openapi?: object;
  /** Verifies the gateway's signed identity on every route's request (verify-identity.ts). */
  verifyIdentity?: ((req: IncomingMessage) => Promise<void>) | undefined;
}

interface CompiledRoute extends Route {
  segments: string[];
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

function send(res: ServerResponse, status: number, body: string | undefined, headers?: Record<string, string>): void {
  if (body === undefined) {
    res.writeHead(status, headers);
    res.end();
    return;
  }
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

function sendError(res: ServerResponse, err: ServiceError): void {
  const error: Record<string, string> = { code: err.code, message: err.message };
  if (err.field !== undefined) error.field = err.field;
  send(res, err.status, JSON.stringify({ error }));
}

function match(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = route.segments[i] as string;
    const got = parts[i] as string;
    if (want.startsWith(':')) {
      if (got === '') return undefined;
      params[want.slice(1)] = got;
    } else if (want !== got) return undefined;
  }
  return params;
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ServiceError(413, 'PAYLOAD_TOO_LARGE', `request body over ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function parseBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
  if (!hasBody) return undefined;
  const type = req.headers['content-type'] ?? '';
  const text = await readBody(req, limit);
  if (text === '') return undefined;
  if (!/^application\/json\b/i.test(type)) {
    throw new ServiceError(415, 'UNSUPPORTED_MEDIA_TYPE', 'request body must be application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ServiceError(400, 'BAD_REQUEST', 'request body is not valid JSON');
  }
}

/** Builds the service's HTTP server (not yet listening). */
export function createHttpService(options: HttpServiceOptions): Server & { stats: ServiceStats } {
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const routes: CompiledRoute[] = options.routes.map((r) => ({ ...r, segments: r.pattern.split('/').slice(1) }));
  const stats: ServiceStats = { service: options.name, total: 0, routes: {} };
  const openapi = options.openapi ? JSON.stringify(options.openapi) : undefined;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://service.local');
    const method = req.method ?? 'GET';
    if (url.pathname === '/__stats' && method === 'GET') return send(res, 200, JSON.stringify(stats));
    if (url.pathname === '/__stats/reset' && method === 'POST') {
      stats.total = 0;
      stats.routes = {};
      return send(res, 204, undefined);
    }
    if (url.pathname === '/healthz') return send(res, 200, JSON.stringify({ ok: true, service: options.name }));
    if (url.pathname === '/openapi.json' && openapi && (method === 'GET' || method === 'HEAD')) return send(res, 200, openapi);

    let parts: string[];
    try {
      parts = url.pathname.split('/').slice(1).map((p) => decodeURIComponent(p));
    } catch {
      throw new ServiceError(400, 'BAD_REQUEST', 'malformed percent-encoding in the path');
    }
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // "/users/" is "/users"
    let allowed = false;
    for (const route of routes) {
      const params = match(route, parts);
      if (!params) continue;
      if (route.method !== method) {
        allowed = true;
        continue;
      }
      if (options.verifyIdentity) await options.verifyIdentity(req);
      const ctx: RequestContext = {
        method,
        params,
        query: url.searchParams,
        body: undefined,
        statsKey: `${method} ${route.pattern}`,
      };
      ctx.body = await parseBody(req, maxBodyBytes);
      let reply: Reply;
      try {
        reply = route.handler(ctx);
      } finally {
        stats.total++;
        stats.routes[ctx.statsKey] = (stats.routes[ctx.statsKey] ?? 0) + 1;
      }
      const body = reply.body === undefined ? undefined : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      if (options.cacheControl && method === 'GET' && (reply.status ?? 200) === 200 && body !== undefined) {
        const etag = `W/"${createHash('sha1').update(body).digest('base64url')}"`;
        const cache = { 'cache-control': options.cacheControl, etag, ...reply.headers };
        if (req.headers['if-none-match'] === etag) return send(res, 304, undefined, cache);
        return send(res, 200, body, cache);
      }
      return send(res, reply.status ?? 200, body, reply.headers);
    }
    if (allowed) throw new ServiceError(405, 'METHOD_NOT_ALLOWED', `${method} is not supported on ${url.pathname}`);
    throw new ServiceError(404, 'NOT_FOUND', `no route for ${method} ${url.pathname}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ServiceError) return sendError(res, err);
      console.error(`[${options.name}]`, err);
      sendError(res, new ServiceError(500, 'INTERNAL', 'internal error'));
    });
  });
  server.keepAliveTimeout = 65_000; // outlive the gateway pools' idle timeout, so pooled sockets are not cut
  server.headersTimeout = 66_000;
  return Object.assign(server, { stats });
}
