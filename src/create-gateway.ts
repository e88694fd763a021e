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
import { createClientAddress } from './server/client-address.ts';
import { createHttpServer } from './server/http-server.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';

export interface Gateway {
  server: Server;
  schema: GraphQLSchema;
  /** The upstream layer: instance and breaker state (tests await breaker events on it). */
  upstream: UpstreamClient;
  /** Starts listening on config.host:config.port (port 0 picks a free one); resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests, ends open connections and closes the upstream pools. */
  close(): Promise<void>;
}

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
  const limiter = config.rateLimit.enabled ? new RateLimiter(config.rateLimit, logger) : undefined;
  const clientAddress = createClientAddress(config.rateLimit.trustedProxies);
  const { schema, owners, costModel } = buildGatewaySchema(config.services, { adminScope: config.auth.adminScope, limiter, ownedHeaders: (name) => ownedHeaderNames(config, config.services[name]!) });
  const upstream = new UpstreamClient(config.services, logger);
  const authenticate = createAuthenticate(createTokenVerifier(config.auth, developmentKey(config, logger)), config.auth.maxTokenBytes);
  const yoga = createGatewayYoga({ schema, authenticate, limiter, clientAddress, owners, costModel, upstream, config, logger });
  const guard = createPassthroughGuard({ config, authenticate, limiter, clientAddress });
  const passthrough = createPassthrough({ config, guard, upstream });
  const server = createHttpServer({ config, yoga, passthrough, upstream, limiter, logger });

  return {
    server,
    schema,
    upstream,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          const { address, port } = server.address() as AddressInfo;
          resolve(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
        });
      }),
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; then their sockets are cut.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      await upstream.close();
      await limiter?.close();
    },
  };
}
