// The environment as a config layer. Values from the process environment win over `.env`, which never
// overrides what the shell set. Most variables set one key, named in that key's `env` in the schema;
// the few below do more than set a key.
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.ts';

export interface EnvValue {
  value: string;
  /** For messages: `PORT (environment)` or `PORT (.env)`. */
  where: string;
}
export type EnvSource = Map<string, EnvValue>;

/** Variables that are not one key's value: what each does, and the key it sets, for the README. */
export const SPECIAL_ENV: ReadonlyArray<{ variable: string; key?: string; does: string }> = [
  { variable: 'GATEWAY_CONFIG', does: 'the config file (default: gateway.config.json in the working directory, if present)' },
  { variable: 'NODE_ENV', does: '"production" applies the production preset' },
  { variable: 'SERVICE_<NAME>_URLS', key: 'services.<name>.urls', does: 'a configured service\'s instances (comma-separated)' },
  { variable: 'USER_SERVICE_URL', key: 'services.<name>.urls', does: 'services.users.urls (the seed gateway\'s name)' },
  { variable: 'MOVIE_SERVICE_URL', key: 'services.<name>.urls', does: 'services.movies.urls (the seed gateway\'s name)' },
  { variable: 'AUTH_HS256_SECRET', key: 'auth.keys', does: 'adds an HS256 key (at least 32 bytes)' },
  { variable: 'OTEL_EXPORTER_OTLP_ENDPOINT', key: 'tracing.endpoint', does: 'the OTLP/HTTP base URL; traces go to its /v1/traces' },
  { variable: 'OTEL_EXPORTER_OTLP_HEADERS', key: 'tracing.headers', does: 'headers of each export, "key=value,…" (OTEL_EXPORTER_OTLP_TRACES_HEADERS wins)' },
  { variable: 'OTEL_SDK_DISABLED', key: 'tracing.endpoint', does: '"true" turns tracing off whatever the endpoint' },
];

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
    for (const [key, value] of Object.entries(parsed)) if (value.trim() !== '') source.set(key, { value, where: `${key} (${envFile})` });
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') source.set(key, { value, where: `${key} (environment)` });
  }
  return source;
}
