// Wires the gateway together: config → upstream client → stitched schema → Yoga and the REST
// passthrough → HTTP server.
// Returns handles to listen and to close everything it opened.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import type { GatewayConfig } from './config/config-schema.ts';
import { createGatewayYoga } from './graphql/create-yoga.ts';
import { createLogger, type Logger } from './logger.ts';
import { createPassthrough } from './passthrough/proxy.ts';
import { buildGatewaySchema } from './schema/stitch.ts';
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

export interface CreateGatewayOptions {
  logger?: Logger;
}

/** Builds the gateway; throws ConfigError (naming file and line) when an SDL file is wrong. */
export function createGateway(config: GatewayConfig, options: CreateGatewayOptions = {}): Gateway {
  const logger = options.logger ?? createLogger(config.logLevel);
  const { schema, owners } = buildGatewaySchema(config.services);
  const upstream = new UpstreamClient(config.services, logger);
  const yoga = createGatewayYoga({ schema, owners, upstream, config, logger });
  const passthrough = createPassthrough({ config, upstream, logger });
  const server = createHttpServer({ config, yoga, passthrough, upstream, logger });

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
    },
  };
}
