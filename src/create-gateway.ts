// Wires the gateway together: the logger, metrics and tracer (which outlive reloads) → the request
// pipeline of the configuration (request-pipeline.ts: schema, upstream client, limiter, Yoga,
// passthrough) → the HTTP server, which serves whichever pipeline is current. Returns handles to
// listen, reload, drain and close.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from './config/config-schema.ts';
import { configuredLogger, type Logger } from './logger.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import type { RemoteSchemas } from './remote/remote-schema.ts';
import { buildPipeline, retirePipeline, type RequestPipeline } from './request-pipeline.ts';
import { createAdminServer } from './server/admin-server.ts';
import { createFromTrustedProxy } from './server/client-address.ts';
import { drainServers, type DrainState } from './server/drain.ts';
import { createHttpServer } from './server/http-server.ts';
import type { GatewayServer } from './server/connections.ts';
import { createRedirectServer } from './server/redirect-server.ts';
import { readServerTls } from './server/server-tls.ts';
import { Server as TlsServer } from 'node:tls';
import { createTracing } from './tracing/tracer.ts';
import type { UpstreamClient } from './upstream/upstream-client.ts';

export interface Gateway {
  /** node:http, or with config.tls node:http2 (HTTP/2 and HTTP/1.1) or node:https (tls.http2 false). */
  server: GatewayServer;
  /** The plain-HTTP listener that only redirects to HTTPS (config.tls.redirectPort). */
  redirectServer: Server | undefined;
  /** The admin server, when config.metrics.port is set. */
  adminServer: Server | undefined;
  /** The metrics, when config.metrics.enabled. */
  metrics: GatewayMetrics | undefined;
  /** The schema serving now (a reload replaces it). */
  readonly schema: GraphQLSchema;
  /** The upstream layer serving now: instance and breaker state (tests await breaker events on it). */
  readonly upstream: UpstreamClient;
  /**
   * Serves `config` from now on: its schema is built and checked first, and if that throws (a bad SDL
   * file: the error names file:line:col) the current one keeps serving. Requests in flight finish on
   * the pipeline they started on; services whose configuration did not change keep their pools and
   * breakers. Keys the listening server was made with (SERVER_KEYS) take effect on restart only.
   * `remoteSchemas`: the GraphQL services introspected anew (introspectGraphQLServices); without, the
   * schemas introspected before serve.
   */
  reload(config: GatewayConfig, remoteSchemas?: RemoteSchemas): void;
  /** Starts listening on config.host:config.port (port 0 picks a free one); resolves with the base URL. */
  listen(): Promise<string>;
  /** The admin server's base URL once listening (undefined without one). */
  adminUrl(): string | undefined;
  /**
   * The drain SIGTERM starts: /readyz 503 at once, new connections refused after config.drainDelay,
   * requests in flight cut at config.shutdownTimeout; then the upstream pools and Redis close.
   */
  drain(options?: { delayMs?: number; timeoutMs?: number }): Promise<void>;
  /** Stops at once: in-flight requests get two seconds, then everything closes. */
  close(): Promise<void>;
}

const baseUrl = (server: GatewayServer): string => {
  const { address, port } = server.address() as AddressInfo;
  return `${server instanceof TlsServer ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${port}`;
};

const listenOn = (server: GatewayServer, port: number, host: string): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(baseUrl(server));
    });
  });

/** What of config.tls a reload cannot change: whether there is TLS at all, HTTP/2, HSTS, the redirect port (the certificate it can). */
const tlsShape = (c: GatewayConfig): string => JSON.stringify(c.tls ? { http2: c.tls.http2, hsts: c.tls.hsts, redirectPort: c.tls.redirectPort } : null);

/** Keys the listening server, the logger, metrics and tracer were made with: a reload cannot change them. */
export const SERVER_KEYS = ['host', 'port', 'maxHeaderBytes', 'requestTimeoutMs', 'trustRequestId', 'logLevel', 'logFormat', 'metrics', 'tracing', 'compression', 'drainDelayMs', 'shutdownTimeoutMs'] as const;

export interface CreateGatewayOptions {
  logger?: Logger;
  /** The schemas of GraphQL services without a schema file: `await introspectGraphQLServices(config)`. */
  remoteSchemas?: RemoteSchemas;
}

/** Builds the gateway; throws ConfigError (naming file and line) when an SDL file is wrong. */
export function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Gateway {
  const logger = options.logger ?? configuredLogger(config);
  const metrics = config.metrics.enabled ? new GatewayMetrics(config.metrics) : undefined;
  const tracing = createTracing(config.tracing);
  const observability = { logger, metrics, tracing };
  const pipeline: { current: RequestPipeline } = { current: buildPipeline(config, observability, undefined, options.remoteSchemas) };
  metrics?.readInstancesFrom(() => pipeline.current.upstream.report());
  const drain: DrainState = { draining: false, refusing: false, inFlight: 0 };
  const fromTrustedProxy = createFromTrustedProxy(config.rateLimit.trustedProxies);
  const server = createHttpServer({ config, pipeline, logger, metrics, drain, tracing, fromTrustedProxy });
  const redirectServer = config.tls?.redirectPort !== undefined ? createRedirectServer(() => (server.address() as AddressInfo | null)?.port) : undefined;
  const adminServer = metrics && config.metrics.port !== undefined ? createAdminServer(metrics, config.metrics.path, logger) : undefined;
  let closing: Promise<void> | undefined;
  let retiring: Promise<void> = Promise.resolve();
  const stop = (delayMs: number, timeoutMs: number): Promise<void> =>
    (closing ??= (async () => {
      await drainServers([server, ...(redirectServer ? [redirectServer] : []), ...(adminServer ? [adminServer] : [])], drain, delayMs, timeoutMs, logger);
      await retiring;
      await retirePipeline(pipeline.current, undefined);
      await tracing?.shutdown(); // the last spans exported
    })());

  return {
    server,
    redirectServer,
    adminServer,
    metrics,
    get schema() {
      return pipeline.current.schema;
    },
    get upstream() {
      return pipeline.current.upstream;
    },
    listen: async () => {
      const url = await listenOn(server, config.port, config.host);
      if (redirectServer) await listenOn(redirectServer, config.tls!.redirectPort!, config.host);
      if (adminServer) await listenOn(adminServer, config.metrics.port!, config.metrics.host ?? config.host);
      return url;
    },
    adminUrl: () => (adminServer?.listening ? baseUrl(adminServer) : undefined),
    reload: (next, remoteSchemas) => {
      if (closing) throw new Error('the gateway is stopping');
      const old = pipeline.current;
      // The certificate first: one that cannot be read or does not match its key fails the reload whole.
      const tls = server instanceof TlsServer && next.tls ? readServerTls(next) : undefined;
      const built = buildPipeline(next, observability, old, remoteSchemas);
      pipeline.current = built;
      // New connections get the certificate as it is now; the open ones keep theirs.
      if (tls) (server as TlsServer).setSecureContext(tls);
      const restartOnly = [...SERVER_KEYS.filter((key) => JSON.stringify(config[key]) !== JSON.stringify(next[key])), ...(tlsShape(config) !== tlsShape(next) ? ['tls'] : [])];
      logger.info('reloaded', { services: Object.keys(next.services), ...(restartOnly.length > 0 && { restartOnly }) });
      if (restartOnly.length > 0) logger.warn('these keys take effect on restart', { keys: restartOnly });
      // What the new pipeline did not keep closes once the requests that may still use it are done
      // (against this reload's pipeline: what it kept is retired with it, by the reload that drops it).
      retiring = retiring.then(() => old.inFlight.idle(next.shutdownTimeoutMs)).then(() => retirePipeline(old, built));
    },
    drain: (o = {}) => stop(o.delayMs ?? config.drainDelayMs, o.timeoutMs ?? config.shutdownTimeoutMs),
    close: () => stop(0, 2_000),
  };
}
