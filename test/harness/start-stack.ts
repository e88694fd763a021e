// Starts the example users and movies services and a gateway in front of them, all on port 0, and
// returns their URLs and one close() for afterAll. Services can be swapped (e.g. for a fault upstream).
import { resolve } from 'node:path';
import type { Server } from 'node:http';
import { loadConfig, type GatewayConfig } from '../../src/config/load-config.ts';
import { createGateway, type Gateway } from '../../src/create-gateway.ts';
import type { Logger } from '../../src/logger.ts';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { createUsersService } from '../../subgraphs/users/users-service.ts';
import { closeServer, listen } from './listen.ts';
import { TEST_AUTH } from './test-tokens.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const schemaFile = (name: string): string => resolve(ROOT, 'schema', `${name}.graphql`);

export interface Stack {
  gatewayUrl: string;
  usersUrl: string;
  moviesUrl: string;
  gateway: Gateway;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Use this URL for a service instead of starting the example one. */
  usersUrl?: string;
  moviesUrl?: string;
  /** Extra top-level config (same shape as gateway.config.json); `services` entries are merged in. */
  config?: Record<string, unknown>;
  /** Per-service overrides, e.g. { movies: { timeout: "200ms" } }. */
  serviceConfig?: Record<string, Record<string, unknown>>;
  /** Environment of the config (e.g. NODE_ENV=production for the production preset). */
  env?: NodeJS.ProcessEnv;
  /** The gateway's logger (default: the config's level, silent in tests). */
  logger?: Logger;
}

/** A configuration for a gateway built in a test: port 0, silent, test tokens, no rate limits, compiled answers verified; `services` (and `extra` keys) as given. */
export function testConfig(services: Record<string, unknown>, extra: Record<string, unknown> = {}): GatewayConfig {
  return loadConfig({ envFile: false, env: {}, overrides: { port: 0, logLevel: 'silent', auth: TEST_AUTH, rateLimit: { enabled: false }, graphql: { compile: 'verify' }, ...extra, services } });
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const servers: Server[] = [];
  const start = async (server: Server): Promise<string> => {
    servers.push(server);
    return listen(server);
  };
  const usersUrl = options.usersUrl ?? (await start(createUsersService()));
  const moviesUrl = options.moviesUrl ?? (await start(createMoviesService()));
  const { services: extraServices, ...rest } = (options.config ?? {}) as { services?: Record<string, unknown> };
  const config = loadConfig({
    envFile: false,
    env: options.env ?? {},
    overrides: {
      port: 0,
      logLevel: 'silent',
      auth: TEST_AUTH, // test tokens (test-tokens.ts) verify; a test may set its own auth
      rateLimit: { enabled: false }, // suites send bursts from one address; rate-limit.test.ts turns limits on
      ...rest,
      // Every compiled answer in the suite is checked against graphql-jit's, byte for byte (no extra calls).
      graphql: { compile: 'verify', ...(rest as { graphql?: Record<string, unknown> }).graphql },
      services: {
        // As in gateway.config.json: the example services take up to 1,000 ids per batch call.
        users: { urls: [usersUrl], schema: schemaFile('users'), maxBatchSize: 1000, ...options.serviceConfig?.users },
        movies: { urls: [moviesUrl], schema: schemaFile('movies'), maxBatchSize: 1000, ...options.serviceConfig?.movies },
        ...extraServices,
      },
    },
  });
  const gateway = createGateway(config, options.logger ? { logger: options.logger } : {});
  const gatewayUrl = await gateway.listen();
  return {
    gatewayUrl,
    usersUrl,
    moviesUrl,
    gateway,
    close: async () => {
      await gateway.close();
      await Promise.all(servers.map(closeServer));
    },
  };
}
