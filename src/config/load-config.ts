// Builds the frozen GatewayConfig: defaults < NODE_ENV=production preset < config file < overrides <
// environment (.env beneath the process environment). The layers are merged as written, remembering
// which layer gave each value, and parsed once by the schema; every error names the key path in its
// file, or the variable, it came from. What no single key can check is at the end, each rule once.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { Config, Routes, type GatewayConfig, type ParsedConfig, type RouteConfig } from './config-schema.ts';
import { readEnv, type EnvSource } from './env.ts';
import { fieldsOf } from './fields.ts';

/** The project's folder (the nearest one up with a package.json): the same from src/ and from dist/src/. */
const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** The example services (they take up to 1,000 ids per batch), when no layer names services. */
const DEFAULT_SERVICES = {
  users: { urls: ['http://localhost:3001'], schema: resolve(PACKAGE_ROOT, 'schema/users.graphql'), maxBatchSize: 1000 },
  movies: { urls: ['http://localhost:3002'], schema: resolve(PACKAGE_ROOT, 'schema/movies.graphql'), maxBatchSize: 1000 },
};
/** The seed gateway's routes, for the services among them that are configured. */
const DEFAULT_ROUTES = [
  { prefix: '/users', service: 'users', access: { GET: 'public', '*': { scopes: [['users:write']], owner: '/users/{id}' } } },
  { prefix: '/movies', service: 'movies', access: { GET: 'public', '*': { scopes: [['movies:write']] } } },
];
/** What NODE_ENV=production changes before the file and the environment. */
const PRODUCTION_PRESET = { logLevel: 'warn', logFormat: 'json', graphql: { graphiql: false, devExtensions: false, introspection: false, fieldSuggestions: false }, auth: { devKey: false } };

export interface LoadConfigOptions {
  /** Config file path; default: $GATEWAY_CONFIG, else `gateway.config.json` in `cwd` if it exists. */
  file?: string | undefined;
  /** A config object applied after the file (same shape as the file), e.g. from tests. */
  overrides?: Record<string, unknown>;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** `.env` file read beneath `env`; default `.env` in `cwd`; `false` reads none. */
  envFile?: string | false;
  /** @default process.cwd() */
  cwd?: string;
}

/** Where a value came from: a file (errors add the key path after "#") or a variable. */
interface Origin {
  label: string;
  file: boolean;
}
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

class Layers {
  readonly raw: Json = {};
  readonly #origins = new Map<string, Origin>();

  /** Merges objects key by key; arrays and values replace what was there, and so does a file's `services`. */
  apply(layer: Json, origin: Origin, into: Json = this.raw, path: string[] = []): void {
    for (const [key, value] of Object.entries(layer)) {
      const at = [...path, key];
      this.#origins.set(at.join('/'), origin);
      if (isObject(value) && isObject(into[key]) && !(origin.file && at.join('/') === 'services')) this.apply(value, origin, into[key] as Json, at);
      else {
        for (const p of [...this.#origins.keys()]) if (p.startsWith(`${at.join('/')}/`)) this.#origins.delete(p);
        into[key] = structuredClone(value);
      }
    }
  }

  /** Sets one key from a variable, creating the objects on its way. */
  set(path: string[], value: unknown, origin: Origin): void {
    let layer: Json = {};
    const root = layer;
    path.forEach((key, i) => (layer = (layer[key] = i === path.length - 1 ? value : {}) as Json));
    this.apply(root, origin);
  }

  /** "gateway.config.json#/services/users/timeout: …" or "PORT (environment): …". */
  explain(issue: z.core.$ZodIssue): string {
    const path = [...issue.path.map(String), ...(issue.code === 'unrecognized_keys' ? issue.keys.slice(0, 1) : [])];
    let origin: Origin | undefined;
    for (let n = path.length; n > 0 && !origin; n--) origin = this.#origins.get(path.slice(0, n).join('/'));
    const where = !origin ? path.join('/') : origin.file ? `${origin.label}#/${path.join('/')}` : origin.label;
    return `${where}: ${issue.message}`;
  }
}

export type { GatewayConfig } from './config-schema.ts';

const envOf = (options: LoadConfigOptions, cwd: string): EnvSource =>
  readEnv(options.env ?? process.env, options.envFile === false ? undefined : resolve(cwd, options.envFile ?? '.env'));
const fileOf = (options: LoadConfigOptions, env: EnvSource, cwd: string): string | undefined => {
  const file = options.file ?? env.get('GATEWAY_CONFIG')?.value ?? (existsSync(resolve(cwd, 'gateway.config.json')) ? 'gateway.config.json' : undefined);
  return file === undefined ? undefined : resolve(cwd, file);
};

/** The config file loadConfig reads with these options (absolute), if any: what a reload watches. */
export function configFileOf(options: LoadConfigOptions = {}): string | undefined {
  const cwd = options.cwd ?? process.cwd();
  return fileOf(options, envOf(options, cwd), cwd);
}

export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = envOf(options, cwd);
  const production = env.get('NODE_ENV')?.value === 'production';
  const layers = new Layers();
  layers.apply({ services: DEFAULT_SERVICES }, { label: 'defaults', file: true });
  if (production) layers.apply(PRODUCTION_PRESET, { label: 'the production preset', file: true });
  const path = fileOf(options, env, cwd);
  if (path !== undefined) {
    layers.apply(relativeTo(readJsonFile(path), dirname(path)), { label: path, file: true });
  }
  if (options.overrides) layers.apply(relativeTo(options.overrides, cwd), { label: 'config overrides', file: true });
  applyEnv(layers, env);

  const parsed = Config.safeParse(layers.raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => layers.explain(i)).join('\n'));
  const config = checkAcrossKeys(parsed.data, production, layers.raw.routes === undefined);
  for (const [name, service] of Object.entries(config.services)) {
    service.headers = serviceHeaders(name, service, config, env, cwd);
    if (service.signIdentity?.secret !== undefined) service.signIdentity.secret = signingSecret(name, service, env, cwd)!;
  }
  return deepFreeze(config);
}

/** Paths in a layer are relative to its file's folder (SDL files, PEM files). */
function relativeTo(layer: unknown, baseDir: string): Json {
  if (!isObject(layer)) return layer as Json; // the schema says what is wrong with it
  const out = structuredClone(layer);
  for (const service of Object.values(isObject(out.services) ? out.services : {})) {
    if (isObject(service) && typeof service.schema === 'string') service.schema = resolve(baseDir, service.schema);
    if (isObject(service) && isObject(service.graphql) && typeof service.graphql.schema === 'string') service.graphql.schema = resolve(baseDir, service.graphql.schema);
    if (isObject(service) && isObject(service.signIdentity) && typeof service.signIdentity.privateKey === 'string') service.signIdentity.privateKey = resolve(baseDir, service.signIdentity.privateKey);
    if (isObject(service) && isObject(service.tls)) {
      for (const key of ['ca', 'cert', 'key'] as const) if (typeof service.tls[key] === 'string') service.tls[key] = resolve(baseDir, service.tls[key]);
    }
  }
  if (isObject(out.tls)) for (const key of ['cert', 'key', 'ca'] as const) if (typeof out.tls[key] === 'string') out.tls[key] = resolve(baseDir, out.tls[key]);
  const keys = isObject(out.auth) && Array.isArray(out.auth.keys) ? out.auth.keys : [];
  for (const key of keys) if (isObject(key) && typeof key.publicKeyFile === 'string') key.publicKeyFile = resolve(baseDir, key.publicKeyFile);
  return out;
}

/** Variables named by the schema's `env`, each as the type its key takes, and the special ones. */
function applyEnv(layers: Layers, env: EnvSource): void {
  const csv = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const { path, meta, kind } of fieldsOf(Config)) {
    const v = meta?.env ? env.get(meta.env) : undefined;
    if (!v) continue;
    const text = v.value.trim();
    const typed = kind === 'array' || kind === 'union' ? csv(text) // a list, or a string-or-list
      : (kind === 'number' || kind === 'unknown') && /^-?\d+(\.\d+)?$/.test(text) ? Number(text) // unknown: a number or a word (workers)
      : kind === 'boolean' && /^(true|false|1|0)$/.test(text) ? text === 'true' || text === '1'
      : text;
    layers.set(path, typed, { label: v.where, file: false });
  }
  const secret = env.get('AUTH_HS256_SECRET');
  if (secret) {
    const keys = isObject(layers.raw.auth) && Array.isArray(layers.raw.auth.keys) ? layers.raw.auth.keys : [];
    layers.set(['auth', 'keys'], [...keys, { algorithms: ['HS256'], secret: secret.value }], { label: secret.where, file: false });
  }
  const services = layers.raw.services as Json;
  const urls = (name: string, v: { value: string; where: string }): void => {
    if (!isObject(services[name])) throw new ConfigError(`${v.where}: no service named "${name}" is configured (configured: ${Object.keys(services).join(', ')})`);
    layers.set(['services', name, 'urls'], csv(v.value), { label: v.where, file: false });
  };
  for (const [variable, name] of [['USER_SERVICE_URL', 'users'], ['MOVIE_SERVICE_URL', 'movies']] as const) {
    const v = env.get(variable);
    if (v) urls(name, v);
  }
  for (const [key, v] of env) {
    const m = /^SERVICE_([A-Z][A-Z0-9_]*)_URLS$/.exec(key);
    if (m) urls(m[1]!.toLowerCase(), v);
  }
  // OpenTelemetry's own variables: the base endpoint gets the traces path, headers come as "k=v,k2=v2".
  const otlp = env.get('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (otlp && !env.get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) layers.set(['tracing', 'endpoint'], `${otlp.value.trim().replace(/\/+$/, '')}/v1/traces`, { label: otlp.where, file: false });
  const otlpHeaders = env.get('OTEL_EXPORTER_OTLP_TRACES_HEADERS') ?? env.get('OTEL_EXPORTER_OTLP_HEADERS');
  if (otlpHeaders) {
    const pairs = csv(otlpHeaders.value).map((pair) => pair.split('=').map((s) => decodeURIComponent(s.trim())));
    layers.set(['tracing', 'headers'], Object.fromEntries(pairs.map(([k, ...v]) => [k!.toLowerCase(), v.join('=')])), { label: otlpHeaders.where, file: false });
  }
  if (env.get('OTEL_SDK_DISABLED')?.value.trim().toLowerCase() === 'true') layers.set(['tracing', 'endpoint'], undefined, { label: 'OTEL_SDK_DISABLED', file: false });
}

/** The rules that join keys: production's requirements, the default routes, routes to known services and their budgets. */
function checkAcrossKeys(config: ParsedConfig, production: boolean, defaultRoutes: boolean): GatewayConfig {
  const { $schema: _schema, routes: given, ...rest } = config;
  const auth = config.auth;
  if (production) {
    if (auth.keys.length === 0 && !auth.jwks) throw new ConfigError('auth: NODE_ENV=production needs verification keys: set auth.keys or auth.jwks (the development key is for development only)');
    if (auth.issuer.length === 0) throw new ConfigError('auth/issuer: NODE_ENV=production needs the accepted token issuer(s)');
    if (auth.audience.length === 0) throw new ConfigError('auth/audience: NODE_ENV=production needs the accepted token audience(s)');
  }
  const services = Object.keys(config.services);
  if (!Object.values(config.services).some((s) => s.schema !== undefined || s.graphql !== undefined)) throw new ConfigError('services: at least one service must have a schema (an SDL file) or be a GraphQL service (graphql) for the GraphQL API');
  const routes = defaultRoutes ? Routes.parse(DEFAULT_ROUTES.filter((r) => services.includes(r.service))) : given!;
  const budgets = config.rateLimit.routes;
  return {
    ...rest,
    routes: routes.map((route): RouteConfig => {
      if (!services.includes(route.service)) throw new ConfigError(`routes: the route ${route.prefix} goes to service "${route.service}", which is not configured (configured: ${services.join(', ')})`);
      if (config.metrics.enabled && config.metrics.port === undefined && route.prefix === config.metrics.path) throw new ConfigError(`routes: the route ${route.prefix} takes the metrics path; set metrics.path, or metrics.port to serve them on an admin port`);
      // A route's budgets are the rateLimit.routes ones, but for what it sets itself; false: none.
      const own = route.rateLimit;
      const rateLimit = own === false ? false : {
        authenticated: { max: own?.authenticated?.max ?? budgets.authenticated.max, windowMs: own?.authenticated?.windowMs ?? budgets.authenticated.windowMs },
        anonymous: { max: own?.anonymous?.max ?? budgets.anonymous.max, windowMs: own?.anonymous?.windowMs ?? budgets.anonymous.windowMs },
      };
      return { ...route, rateLimit };
    }),
  };
}

/** Headers the gateway sets itself, which no configuration or SDL may set or forward. */
export function ownedHeaderNames(config: Pick<GatewayConfig, 'auth'>, service: { forwardToken: boolean; signIdentity?: { header: string } | undefined }): Set<string> {
  const { subject, scopes } = config.auth.identityHeaders;
  const owned = ['x-request-id', subject, scopes, 'host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'te', 'trailer', 'proxy-authorization'];
  if (service.signIdentity) owned.push(service.signIdentity.header);
  return new Set(service.forwardToken ? [...owned, 'authorization'] : owned);
}

/** A service's headers with their ${env:NAME} and ${file:PATH} read; none may be one the gateway owns. */
function serviceHeaders(name: string, service: GatewayConfig['services'][string], config: GatewayConfig, env: EnvSource, cwd: string): Record<string, string> {
  const owned = ownedHeaderNames(config, service);
  for (const header of [...Object.keys(service.headers), ...service.forwardHeaders]) {
    if (owned.has(header)) throw new ConfigError(`services/${name}: ${header} is set by the gateway itself and cannot be configured or forwarded`);
  }
  const out: Record<string, string> = {};
  for (const [header, template] of Object.entries(service.headers)) {
    out[header] = secretValue(template, `services/${name}/headers/${header}`, env, cwd);
    if (/[\r\n]/.test(out[header]!)) throw new ConfigError(`services/${name}/headers/${header}: a header value cannot hold a line break`);
  }
  return out;
}

/** A configured value with its ${env:NAME} and ${file:/path} references read (at start-up; never logged). */
function secretValue(template: string, where: string, env: EnvSource, cwd: string): string {
  return template.replace(/\$\{(env|file):([^}]+)\}/g, (_all, kind: string, ref: string) => {
    if (kind === 'env') {
      const value = env.get(ref)?.value;
      if (value === undefined) throw new ConfigError(`${where}: \${env:${ref}} is not set`);
      return value;
    }
    try {
      return readFileSync(resolve(cwd, ref), 'utf8').trim();
    } catch (err) {
      throw new ConfigError(`${where}: cannot read \${file:${ref}} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  });
}

/** The service's identity signing key, its references read; an HMAC key shorter than 32 characters is refused. */
function signingSecret(name: string, service: GatewayConfig['services'][string], env: EnvSource, cwd: string): string | undefined {
  const template = service.signIdentity?.secret;
  if (template === undefined) return undefined;
  const secret = secretValue(template, `services/${name}/signIdentity/secret`, env, cwd);
  if (secret.length < 32) throw new ConfigError(`services/${name}/signIdentity/secret: an HMAC key needs at least 32 characters, got ${secret.length}`);
  return secret;
}

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read the config file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${path}: not valid JSON (${(err as Error).message})`);
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
