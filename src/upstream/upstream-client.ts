// The one way the gateway calls a service: a keep-alive undici Pool per instance, round robin over a
// service's instances, a total timeout per call, the request id on every call, and one log line per call.
import { Pool } from 'undici';
import type { ServiceConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import { upstreamFailure, UpstreamFailure } from './errors.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface UpstreamRequest {
  method: HttpMethod;
  /** Path and query, relative to the instance's base URL: "/users?ids=1,2". */
  path: string;
  /** Sent as JSON when present. */
  body?: unknown;
  requestId: string;
}

export interface UpstreamResponse {
  status: number;
  /** The parsed JSON answer; undefined when the answer had no body. */
  body: unknown;
}

/** One finished call, as logged and as shown in dev-mode responses. */
export interface CallRecord {
  service: string;
  method: HttpMethod;
  path: string;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  ms: number;
}

interface Instance {
  pool: Pool;
  /** The base URL's path, prefixed to every call ("" for a bare origin). */
  basePath: string;
}

interface Service {
  name: string;
  config: ServiceConfig;
  instances: Instance[];
  next: number;
}

export class UpstreamClient {
  readonly #services = new Map<string, Service>();
  readonly #logger: Logger;

  constructor(services: Readonly<Record<string, ServiceConfig>>, logger: Logger) {
    this.#logger = logger;
    for (const [name, config] of Object.entries(services)) {
      const instances = config.urls.map((url) => {
        const u = new URL(url);
        return {
          pool: new Pool(u.origin, {
            connections: 128, // sockets per instance; requests beyond wait in the pool's queue
            keepAliveTimeout: 30_000, // 30 s idle, under the example services' 65 s
            headersTimeout: config.timeoutMs,
            bodyTimeout: config.timeoutMs,
            connectTimeout: Math.min(config.timeoutMs, 5_000),
          }),
          basePath: u.pathname.replace(/\/+$/, ''),
        };
      });
      this.#services.set(name, { name, config, instances, next: 0 });
    }
  }

  /** Calls `service`; resolves with any HTTP answer, rejects with UpstreamFailure when there is none. */
  async call(serviceName: string, request: UpstreamRequest, onCall?: (record: CallRecord) => void): Promise<UpstreamResponse> {
    const service = this.#services.get(serviceName);
    if (!service) throw new UpstreamFailure(serviceName, `${serviceName} service is not configured`, false);
    const instance = service.instances[service.next++ % service.instances.length] as Instance;
    const started = performance.now();
    let status = 0;
    try {
      const headers: Record<string, string> = { accept: 'application/json', 'x-request-id': request.requestId };
      let body: string | undefined;
      if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] = 'application/json';
      }
      const res = await instance.pool.request({
        method: request.method,
        path: instance.basePath + request.path,
        headers,
        body,
        signal: AbortSignal.timeout(service.config.timeoutMs),
      });
      status = res.statusCode;
      const text = await res.body.text();
      if (text === '') return { status, body: undefined };
      try {
        return { status, body: JSON.parse(text) };
      } catch {
        throw new UpstreamFailure(serviceName, `${serviceName} service answered with a body that is not JSON`, false);
      }
    } catch (err) {
      throw upstreamFailure(serviceName, err);
    } finally {
      const record: CallRecord = { service: serviceName, method: request.method, path: request.path, status, ms: Math.round((performance.now() - started) * 100) / 100 };
      onCall?.(record);
      this.#logger.info('upstream call', { requestId: request.requestId, ...record });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#services.values()].flatMap((s) => s.instances.map((i) => i.pool.close())));
  }
}
