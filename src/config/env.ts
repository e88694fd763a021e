// The environment variables the gateway reads, and the config keys they set. Values from the process
// environment win over `.env`; `.env` never overrides what the shell set.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';

export interface EnvValue {
  value: string;
  /** For messages: `PORT (environment)` or `PORT (.env)`. */
  where: string;
}
export type EnvSource = Map<string, EnvValue>;

/** The variables, with the config key each sets (documented in README's configuration table). */
export const ENV_VARIABLES = Object.freeze({
  GATEWAY_CONFIG: 'path of the config file (default: gateway.config.json in the working directory, if present)',
  PORT: 'port',
  HOST: 'host',
  LOG_LEVEL: 'logLevel',
  NODE_ENV: '"production" applies the production preset (no GraphiQL, dev extensions, introspection or field suggestions; log level warn)',
  GRAPHIQL: 'graphql.graphiql',
  GATEWAY_DEV_EXTENSIONS: 'graphql.devExtensions',
  GRAPHQL_INTROSPECTION: 'graphql.introspection',
  CORS_ORIGINS: 'cors.origins (comma-separated)',
  USER_SERVICE_URL: 'services.users.urls (the seed gateway name; comma-separated for several instances)',
  MOVIE_SERVICE_URL: 'services.movies.urls (the seed gateway name)',
  'SERVICE_<NAME>_URLS': 'services.<name>.urls for any service (comma-separated)',
  AUTH_JWKS_URL: 'auth.jwks.url (RS256 and ES256 keys, cached 10 min)',
  AUTH_ISSUER: 'auth.issuer (comma-separated)',
  AUTH_AUDIENCE: 'auth.audience (comma-separated)',
  AUTH_HS256_SECRET: 'adds an HS256 key to auth.keys (at least 32 bytes)',
  REDIS_URL: 'rateLimit.redisUrl (limits shared by every gateway instance using it)',
  RATE_LIMIT_ENABLED: 'rateLimit.enabled',
  TRUSTED_PROXIES: 'rateLimit.trustedProxies (comma-separated IPs or CIDR ranges)',
});

/** Reads the process environment and, beneath it, a `.env` file if there is one. */
export function readEnv(env: NodeJS.ProcessEnv, envFile: string | undefined): EnvSource {
  const source: EnvSource = new Map();
  if (envFile && existsSync(envFile)) {
    let parsed: Record<string, string>;
    try {
      parsed = parseEnv(readFileSync(envFile, 'utf8')) as Record<string, string>;
    } catch (err) {
      throw new ConfigError(`${envFile}: cannot read (${(err as Error).message})`);
    }
    for (const [key, value] of Object.entries(parsed)) source.set(key, { value, where: `${key} (${envFile})` });
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) source.set(key, { value, where: `${key} (environment)` });
  }
  return source;
}
