// Wires the gateway together: config → rate limiter → stitched schema → upstream client → token
// verifier → Yoga and the REST passthrough (both authenticate and limit with the same verifier and
// limiter) → HTTP server.
// Returns handles to listen and to close everything it opened.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { createAuthenticate } from './auth/authenticate.ts';
import { DEV_KEY_FILE, devVerification, loadDevKey } from './auth/dev-key.ts';
import { createTokenVerifier, type DevVerification } from './auth/token-verifier.ts';
import type { GatewayConfig } from './config/config-schema.ts';
import { ownedHeaderNames } from './config/load-config.ts';
import { createGatewayYoga } from './graphql/create-yoga.ts';
import { configuredLogger, type Logger } from './logger.ts';
import { createPassthroughGuard } from './passthrough/guard.ts';
import { createPassthrough } from './passthrough/proxy.ts';
import { buildGatewaySchema } from './schema/stitch.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import { createClientAddress, createFromTrustedProxy } from './server/client-address.ts';
import { createAdminServer } from './server/admin-server.ts';
import { drainServers, type DrainState } from './server/drain.ts';
import { createHttpServer } from './server/http-server.ts';
import { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { createTracing } from './tracing/tracer.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';

export interface Gateway {
  server: Server;
  /** The admin server, when config.metrics.port is set. */
  adminServer: Server | undefined;
  /** The metrics, when config.metrics.enabled. */
  metrics: GatewayMetrics | undefined;
  schema: GraphQLSchema;
  /** The upstream layer: instance and breaker state (tests await breaker events on it). */
  upstream: UpstreamClient;
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

const baseUrl = (server: Server): string => {
  const { address, port } = server.address() as AddressInfo;
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
};

const listenOn = (server: Server, port: number, host: string): Promise<string> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(baseUrl(server));
    });
  });

/** The development key, when no key is configured and the configuration allows it (never in production). */
function developmentKey(config: GatewayConfig, logger: Logger): DevVerification | undefined {
  const auth = config.auth;
  if (auth.keys.length > 0 || auth.jwks !== undefined) return undefined;
  if (!auth.devKey) {
    logger.warn('no token verification keys are configured: every request with a token is refused, anonymous requests are served');
    return undefined;
  }
  const key = loadDevKey();
  logger.info('tokens are verified with the development key; `npm run token -- --sub 1` mints one', { file: DEV_KEY_FILE, kid: key.kid });
  return devVerification(key);
}

export interface CreateGatewayOptions {
  logger?: Logger;
}

/** Builds the gateway; throws ConfigError (naming file and line) when an SDL file is wrong. */
export function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Gateway {
  const logger = options.logger ?? configuredLogger(config);
  const metrics = config.metrics.enabled ? new GatewayMetrics(config.metrics) : undefined;
  const tracing = createTracing(config.tracing);
  const limiter = config.rateLimit.enabled ? new RateLimiter(config.rateLimit, logger, metrics) : undefined;
  const clientAddress = createClientAddress(config.rateLimit.trustedProxies);
  const { schema, owners, costModel } = buildGatewaySchema(config.services, { adminScope: config.auth.adminScope, limiter, ownedHeaders: (name) => ownedHeaderNames(config, config.services[name]!) });
  const upstream = new UpstreamClient(config.services, logger, { metrics, tracer: tracing?.tracer });
  metrics?.readInstancesFrom(() => upstream.report());
  const authenticate = createAuthenticate(createTokenVerifier(config.auth, developmentKey(config, logger)), config.auth.maxTokenBytes);
  const yoga = createGatewayYoga({ schema, authenticate, limiter, clientAddress, owners, costModel, upstream, config, logger, metrics, traced: tracing !== undefined });
  const guard = createPassthroughGuard({ config, authenticate, limiter, clientAddress });
  const passthrough = createPassthrough({ config, guard, upstream });
  const drain: DrainState = { draining: false, inFlight: new Set() };
  const fromTrustedProxy = createFromTrustedProxy(config.rateLimit.trustedProxies);
  const server = createHttpServer({ config, yoga, passthrough, upstream, limiter, logger, metrics, drain, tracing, fromTrustedProxy });
  const adminServer = metrics && config.metrics.port !== undefined ? createAdminServer(metrics, config.metrics.path, logger) : undefined;
  let closing: Promise<void> | undefined;
  const stop = (delayMs: number, timeoutMs: number): Promise<void> =>
    (closing ??= (async () => {
      await drainServers(adminServer ? [server, adminServer] : [server], drain, delayMs, timeoutMs, logger);
      await upstream.close();
      await limiter?.close();
      await tracing?.shutdown(); // the last spans exported
    })());

  return {
    server,
    adminServer,
    metrics,
    schema,
    upstream,
    listen: async () => {
      const url = await listenOn(server, config.port, config.host);
      if (adminServer) await listenOn(adminServer, config.metrics.port!, config.metrics.host ?? config.host);
      return url;
    },
    adminUrl: () => (adminServer?.listening ? baseUrl(adminServer) : undefined),
    drain: (o = {}) => stop(o.delayMs ?? config.drainDelayMs, o.timeoutMs ?? config.shutdownTimeoutMs),
    close: () => stop(0, 2_000),
  };
}
