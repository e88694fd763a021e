// Builds the frozen GatewayConfig: defaults < production preset < config file < environment (.env
// beneath the process environment). Every error names the key path or variable and where it came from.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.ts';
import {
  deepFreeze,
  fail,
  GATEWAY_DEFAULTS,
  JWKS_DEFAULTS,
  LOG_LEVELS,
  parseArray,
  parseBoolean,
  parseDuration,
  parseHttpUrl,
  parseInteger,
  parseObject,
  parseString,
  PRODUCTION_PRESET,
  parseNumber,
  serviceDefaults,
  UPSTREAM_METHODS,
  type GatewayConfig,
  type IdentityBudgets,
  type LimitConfig,
  RATE_LIMIT_DEFAULTS,
  type RateLimitConfig,
  type RouteAccess,
  type RouteConfig,
  type UpstreamMethod,
  type LogLevel,
  type ServiceConfig,
} from './config-schema.ts';
import { readEnv, type EnvSource } from './env.ts';
import { applyAuthLayer, checkAuth, parseRouteAccess } from './parse-auth.ts';
import { applyGraphqlLayer } from './parse-graphql.ts';
import { applyRateLimitLayer, parseBudgets, parseProxy, parseRedisUrl } from './parse-rate-limit.ts';

/** A route's budgets before the defaults are known: 0 marks what the route left out. */
const UNSET_BUDGETS: IdentityBudgets = { authenticated: { max: 0, windowMs: 0 }, anonymous: { max: 0, windowMs: 0 } };

function resolveRouteBudgets(own: IdentityBudgets | false | undefined, defaults: IdentityBudgets): IdentityBudgets | false {
  if (own === false) return false;
  const pick = (o: LimitConfig | undefined, d: LimitConfig): LimitConfig => ({ max: o?.max || d.max, windowMs: o?.windowMs || d.windowMs });
  return { authenticated: pick(own?.authenticated, defaults.authenticated), anonymous: pick(own?.anonymous, defaults.anonymous) };
}

/** The project's folder (the nearest one up with a package.json): the same from src/ and from dist/src/. */
const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
const SERVICE_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** The example services, used when no config file names services; they take up to 1,000 ids per batch. */
function defaultServices(): Record<string, ServiceConfig> {
  return {
    users: { urls: ['http://localhost:3001'], schema: resolve(PACKAGE_ROOT, 'schema/users.graphql'), ...serviceDefaults(), maxBatchSize: 1000 },
    movies: { urls: ['http://localhost:3002'], schema: resolve(PACKAGE_ROOT, 'schema/movies.graphql'), ...serviceDefaults(), maxBatchSize: 1000 },
  };
}

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

export function loadConfig(options: LoadConfigOptions = {}): GatewayConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = readEnv(options.env ?? process.env, options.envFile === false ? undefined : resolve(cwd, options.envFile ?? '.env'));

  const config: GatewayConfig = {
    ...structuredClone(GATEWAY_DEFAULTS),
    rateLimit: structuredClone(RATE_LIMIT_DEFAULTS) as RateLimitConfig,
    services: defaultServices(),
    routes: structuredClone(DEFAULT_ROUTES) as RouteConfig[],
  };
  const defaults = [...config.routes];
  if (env.get('NODE_ENV')?.value === 'production') {
    config.logLevel = PRODUCTION_PRESET.logLevel;
    Object.assign(config.graphql, PRODUCTION_PRESET.graphql);
    Object.assign(config.auth, PRODUCTION_PRESET.auth);
  }

  const file = options.file ?? env.get('GATEWAY_CONFIG')?.value ?? (existsSync(resolve(cwd, 'gateway.config.json')) ? 'gateway.config.json' : undefined);
  if (file !== undefined) {
    const path = resolve(cwd, file);
    applyLayer(config, readJsonFile(path), (p) => `${path}#${p}`, dirname(path));
  }
  if (options.overrides) applyLayer(config, options.overrides, (p) => `config overrides#${p}`, cwd);
  applyEnv(config, env);
  for (const route of config.routes) route.rateLimit = resolveRouteBudgets(route.rateLimit, config.rateLimit.routes);
  checkAuth(config.auth, env.get('NODE_ENV')?.value === 'production');

  if (!Object.values(config.services).some((s) => s.schema !== undefined)) {
    throw new ConfigError('services: at least one service must have a schema (an SDL file) for the GraphQL API');
  }
  // The default routes follow the services: a configuration without users or movies has no route to them.
  if (config.routes.every((r, i) => r === defaults[i])) config.routes = config.routes.filter((r) => config.services[r.service]);
  for (const route of config.routes) {
    if (!config.services[route.service]) {
      throw new ConfigError(`routes: the route ${route.prefix} goes to service "${route.service}", which is not configured (configured: ${Object.keys(config.services).join(', ')})`);
    }
  }
  return deepFreeze(config);
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

const TOP_KEYS = ['$schema', 'host', 'port', 'logLevel', 'graphql', 'cors', 'trustRequestId', 'maxHeaderBytes', 'requestTimeout', 'services', 'routes', 'passthrough', 'auth', 'rateLimit'] as const;

/** The seed gateway's routes: /users/* and /movies/* to their services, paths unchanged. */
const DEFAULT_ROUTES: readonly RouteConfig[] = [
  { prefix: '/users', service: 'users', rewrite: '/users', access: { GET: 'public', '*': { scopes: [['users:write']], owner: '/users/{id}' } } },
  { prefix: '/movies', service: 'movies', rewrite: '/movies', access: { GET: 'public', '*': { scopes: [['movies:write']] } } },
];
/** Paths the gateway answers itself; no route may take them. */
const RESERVED = ['/graphql', '/healthz', '/readyz'];
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;

function parseRoutes(raw: unknown, at: (path: string) => string): RouteConfig[] {
  const routes = parseArray(raw, at('')).map((entry, i): RouteConfig => {
    const where = (p: string): string => at(`/${i}${p}`);
    const r = parseObject(entry, where(''), ['prefix', 'service', 'rewrite', 'access', 'rateLimit']);
    const prefix = parseString(r.prefix, where('/prefix'));
    if (!PREFIX.test(prefix) || prefix.split('/').some((seg) => seg === '.' || seg === '..')) {
      fail(where('/prefix'), `expected a path such as "/users", with no trailing slash, dot segments or percent-encoding, got ${JSON.stringify(prefix)}`);
    }
    if (RESERVED.some((p) => prefix === p || prefix.startsWith(`${p}/`))) fail(where('/prefix'), `${prefix} is the gateway's own path`);
    const rewrite = r.rewrite === undefined ? prefix : r.rewrite;
    if (typeof rewrite !== 'string' || (rewrite !== '' && !PREFIX.test(rewrite))) fail(where('/rewrite'), `expected "" (strip the prefix) or a path such as "/v1/users", got ${JSON.stringify(rewrite)}`);
    // With no access rule, reads are public and writes need an authenticated caller; a rule given as an
    // object covers the methods it names, and "*" (authenticated unless named) the rest.
    let access: Record<string, RouteAccess> = { GET: 'public', '*': 'authenticated' };
    if (typeof r.access === 'string') access = { '*': parseRouteAccess(r.access, where('/access')) };
    else if (r.access !== undefined) {
      access = { '*': 'authenticated' };
      for (const [method, value] of Object.entries(parseObject(r.access, where('/access'), Object.keys(r.access as object)))) {
        if (method !== '*' && !/^[A-Z]+$/.test(method)) fail(where(`/access/${method}`), 'expected a method in capitals, such as "GET", or "*"');
        access[method] = parseRouteAccess(value, where(`/access/${method}`));
      }
    }
    const route: RouteConfig = { prefix, service: parseString(r.service, where('/service')), rewrite: rewrite as string, access };
    // Budgets are filled in from rateLimit.routes once every layer is applied; false turns them off.
    if (r.rateLimit === false) route.rateLimit = false;
    else if (r.rateLimit !== undefined) route.rateLimit = parseBudgets(r.rateLimit, where('/rateLimit'), UNSET_BUDGETS);
    return route;
  });
  const seen = new Set<string>();
  routes.forEach((r, i) => {
    if (seen.has(r.prefix)) fail(at(`/${i}/prefix`), `${r.prefix} is routed twice`);
    seen.add(r.prefix);
  });
  return routes;
}
const SERVICE_KEYS = [
  'urls', 'schema', 'timeout', 'connectTimeout', 'firstByteTimeout', 'maxBatchSize', 'maxUrlLength', 'maxConcurrency',
  'balancer', 'breaker', 'retry', 'connections', 'healthPath', 'forwardToken', 'maxResponseBytes',
] as const;
const BREAKER_KEYS = ['errorThresholdPercentage', 'volumeThreshold', 'window', 'buckets', 'resetTimeout'] as const;
const RETRY_KEYS = ['retries', 'methods', 'baseDelay', 'maxDelay', 'budgetRatio', 'budgetMinPerSecond'] as const;

/** One `services.<name>` entry of a file layer, over the defaults. */
function parseService(raw: unknown, at: (path: string) => string, baseDir: string): ServiceConfig {
  const s = parseObject(raw, at(''), SERVICE_KEYS);
  if (s.urls === undefined) fail(at('/urls'), 'missing: list the base URL of each instance, e.g. ["http://localhost:3001"]');
  const urls = parseArray(s.urls, at('/urls')).map((u, i) => parseHttpUrl(u, at(`/urls/${i}`)));
  if (urls.length === 0) fail(at('/urls'), 'list at least one instance URL');
  const schema = s.schema === undefined ? undefined : resolve(baseDir, parseString(s.schema, at('/schema')));
  const service: ServiceConfig = { urls, schema, ...serviceDefaults() };
  if (s.timeout !== undefined) service.timeoutMs = parseDuration(s.timeout, at('/timeout'));
  if (s.connectTimeout !== undefined) service.connectTimeoutMs = parseDuration(s.connectTimeout, at('/connectTimeout'));
  if (s.firstByteTimeout !== undefined) service.firstByteTimeoutMs = parseDuration(s.firstByteTimeout, at('/firstByteTimeout'));
  if (s.maxBatchSize !== undefined) service.maxBatchSize = parseInteger(s.maxBatchSize, at('/maxBatchSize'), 1, 10_000);
  if (s.maxUrlLength !== undefined) service.maxUrlLength = parseInteger(s.maxUrlLength, at('/maxUrlLength'), 256, 65_536);
  if (s.maxConcurrency !== undefined) service.maxConcurrency = parseInteger(s.maxConcurrency, at('/maxConcurrency'), 1, 1024);
  if (s.connections !== undefined) service.connections = parseInteger(s.connections, at('/connections'), 1, 4096);
  if (s.forwardToken !== undefined) service.forwardToken = parseBoolean(s.forwardToken, at('/forwardToken'));
  if (s.maxResponseBytes !== undefined) service.maxResponseBytes = parseInteger(s.maxResponseBytes, at('/maxResponseBytes'), 1024, 1024 * 1024 * 1024);
  if (s.healthPath !== undefined) {
    service.healthPath = parseString(s.healthPath, at('/healthPath'));
    if (!service.healthPath.startsWith('/')) fail(at('/healthPath'), `a path starts with "/", got ${JSON.stringify(service.healthPath)}`);
  }
  if (s.balancer !== undefined) {
    if (s.balancer !== 'round-robin' && s.balancer !== 'least-pending') fail(at('/balancer'), `expected "round-robin" or "least-pending", got ${JSON.stringify(s.balancer)}`);
    service.balancer = s.balancer as ServiceConfig['balancer'];
  }
  if (s.breaker !== undefined) {
    const b = parseObject(s.breaker, at('/breaker'), BREAKER_KEYS);
    const br = service.breaker;
    if (b.errorThresholdPercentage !== undefined) br.errorThresholdPercentage = parseNumber(b.errorThresholdPercentage, at('/breaker/errorThresholdPercentage'), 1, 100);
    if (b.volumeThreshold !== undefined) br.volumeThreshold = parseInteger(b.volumeThreshold, at('/breaker/volumeThreshold'), 0, 1_000_000);
    if (b.window !== undefined) br.windowMs = parseDuration(b.window, at('/breaker/window'));
    if (b.buckets !== undefined) br.buckets = parseInteger(b.buckets, at('/breaker/buckets'), 1, 1000);
    if (b.resetTimeout !== undefined) br.resetTimeoutMs = parseDuration(b.resetTimeout, at('/breaker/resetTimeout'));
    if (br.windowMs % br.buckets !== 0) fail(at('/breaker/buckets'), `the window (${br.windowMs} ms) must divide evenly into ${br.buckets} buckets`);
  }
  if (s.retry !== undefined) {
    const r = parseObject(s.retry, at('/retry'), RETRY_KEYS);
    const rt = service.retry;
    if (r.retries !== undefined) rt.retries = parseInteger(r.retries, at('/retry/retries'), 0, 10);
    if (r.methods !== undefined) {
      rt.methods = parseArray(r.methods, at('/retry/methods')).map((m, i) => {
        const where = at(`/retry/methods/${i}`);
        if (!UPSTREAM_METHODS.includes(m as UpstreamMethod)) return fail(where, `expected one of ${UPSTREAM_METHODS.join(', ')}, got ${JSON.stringify(m)}`);
        if (m === 'POST' || m === 'PATCH') return fail(where, `${m} is not idempotent and is never retried`);
        return m as UpstreamMethod;
      });
    }
    if (r.baseDelay !== undefined) rt.baseDelayMs = parseDuration(r.baseDelay, at('/retry/baseDelay'));
    if (r.maxDelay !== undefined) rt.maxDelayMs = parseDuration(r.maxDelay, at('/retry/maxDelay'));
    if (r.budgetRatio !== undefined) rt.budgetRatio = parseNumber(r.budgetRatio, at('/retry/budgetRatio'), 0, 10);
    if (r.budgetMinPerSecond !== undefined) rt.budgetMinPerSecond = parseNumber(r.budgetMinPerSecond, at('/retry/budgetMinPerSecond'), 0, 100_000);
  }
  return service;
}

function parseLogLevel(value: unknown, where: string): LogLevel {
  if (!LOG_LEVELS.includes(value as LogLevel)) return fail(where, `expected one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(value)}`);
  return value as LogLevel;
}

/** Applies one file-shaped layer onto `config`. A `services` object replaces the default service list. */
function applyLayer(config: GatewayConfig, raw: unknown, where: (path: string) => string, baseDir: string): void {
  const top = parseObject(raw, where(''), TOP_KEYS);
  if (top.host !== undefined) config.host = parseString(top.host, where('/host'));
  if (top.port !== undefined) config.port = parseInteger(top.port, where('/port'), 0, 65535);
  if (top.logLevel !== undefined) config.logLevel = parseLogLevel(top.logLevel, where('/logLevel'));
  if (top.trustRequestId !== undefined) config.trustRequestId = parseBoolean(top.trustRequestId, where('/trustRequestId'));
  if (top.maxHeaderBytes !== undefined) config.maxHeaderBytes = parseInteger(top.maxHeaderBytes, where('/maxHeaderBytes'), 1024, 1024 * 1024);
  if (top.requestTimeout !== undefined) {
    config.requestTimeoutMs = parseDuration(top.requestTimeout, where('/requestTimeout'));
    // 0 would turn Node's timeout off and let a slow client hold a socket for ever.
    if (config.requestTimeoutMs < 100) fail(where('/requestTimeout'), 'expected at least 100ms');
  }
  if (top.auth !== undefined) applyAuthLayer(config.auth, top.auth, (p) => where(`/auth${p}`), baseDir);
  if (top.rateLimit !== undefined) applyRateLimitLayer(config.rateLimit, top.rateLimit, (p) => where(`/rateLimit${p}`));
  if (top.routes !== undefined) config.routes = parseRoutes(top.routes, (p) => where(`/routes${p}`));
  if (top.passthrough !== undefined) {
    const pt = parseObject(top.passthrough, where('/passthrough'), ['maxBodyBytes', 'ownedHeaders']);
    if (pt.maxBodyBytes !== undefined) config.passthrough.maxBodyBytes = parseInteger(pt.maxBodyBytes, where('/passthrough/maxBodyBytes'), 0, Number.MAX_SAFE_INTEGER);
    if (pt.ownedHeaders !== undefined) {
      config.passthrough.ownedHeaders = parseArray(pt.ownedHeaders, where('/passthrough/ownedHeaders')).map((h, i) => parseString(h, where(`/passthrough/ownedHeaders/${i}`)).toLowerCase());
    }
  }
  if (top.graphql !== undefined) applyGraphqlLayer(config.graphql, top.graphql, (p) => where(`/graphql${p}`));
  if (top.cors !== undefined) {
    const c = parseObject(top.cors, where('/cors'), ['origins']);
    if (c.origins !== undefined) config.cors.origins = parseArray(c.origins, where('/cors/origins')).map((o, i) => parseOrigin(o, where(`/cors/origins/${i}`)));
  }
  if (top.services !== undefined) {
    const services = parseObject(top.services, where('/services'), Object.keys(top.services as object));
    config.services = {};
    for (const [name, entry] of Object.entries(services)) {
      const at = (p: string): string => where(`/services/${name}${p}`);
      if (!SERVICE_NAME.test(name)) fail(at(''), 'a service name is lower case letters, digits and _ (it names the service in errors and env variables)');
      config.services[name] = parseService(entry, at, baseDir);
    }
  }
}

function parseOrigin(value: unknown, where: string): string {
  const text = parseString(value, where);
  if (text === '*') return fail(where, 'a wildcard origin is not allowed; list the origins that may call the gateway');
  const url = parseHttpUrl(text, where);
  return new URL(url).origin;
}

const csv = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

function applyEnv(config: GatewayConfig, env: EnvSource): void {
  const get = (key: string) => {
    const v = env.get(key);
    return v && v.value.trim() !== '' ? v : undefined;
  };
  let v;
  if ((v = get('PORT'))) config.port = parseInteger(v.value, v.where, 0, 65535);
  if ((v = get('HOST'))) config.host = parseString(v.value, v.where);
  if ((v = get('LOG_LEVEL'))) config.logLevel = parseLogLevel(v.value, v.where);
  if ((v = get('GRAPHIQL'))) config.graphql.graphiql = parseBoolean(v.value, v.where);
  if ((v = get('GATEWAY_DEV_EXTENSIONS'))) config.graphql.devExtensions = parseBoolean(v.value, v.where);
  if ((v = get('GRAPHQL_INTROSPECTION'))) config.graphql.introspection = parseBoolean(v.value, v.where);
  if ((v = get('CORS_ORIGINS'))) {
    const where = v.where;
    config.cors.origins = csv(v.value).map((o) => parseOrigin(o, where));
  }
  const setUrls = (name: string, value: { value: string; where: string }): void => {
    const service = config.services[name];
    if (!service) return fail(value.where, `no service named "${name}" is configured (configured: ${Object.keys(config.services).join(', ')})`);
    const urls = csv(value.value).map((u) => parseHttpUrl(u, value.where));
    if (urls.length === 0) fail(value.where, 'list at least one instance URL');
    service.urls = urls;
  };
  if ((v = get('AUTH_JWKS_URL'))) config.auth.jwks = { url: parseHttpUrl(v.value, v.where), algorithms: ['RS256', 'ES256'], ...JWKS_DEFAULTS };
  if ((v = get('AUTH_ISSUER'))) config.auth.issuer = csv(v.value);
  if ((v = get('AUTH_AUDIENCE'))) config.auth.audience = csv(v.value);
  if ((v = get('AUTH_HS256_SECRET'))) {
    if (Buffer.byteLength(v.value) < 32) fail(v.where, 'an HMAC secret must be at least 32 bytes');
    config.auth.keys = [...config.auth.keys, { kid: undefined, algorithms: ['HS256'], secret: v.value }];
  }
  if ((v = get('REDIS_URL'))) config.rateLimit.redisUrl = parseRedisUrl(v.value, v.where);
  if ((v = get('RATE_LIMIT_ENABLED'))) config.rateLimit.enabled = parseBoolean(v.value, v.where);
  if ((v = get('TRUSTED_PROXIES'))) {
    const where = v.where;
    config.rateLimit.trustedProxies = csv(v.value).map((p) => parseProxy(p, where));
  }
  if ((v = get('USER_SERVICE_URL'))) setUrls('users', v);
  if ((v = get('MOVIE_SERVICE_URL'))) setUrls('movies', v);
  for (const [key, value] of env) {
    const m = /^SERVICE_([A-Z][A-Z0-9_]*)_URLS$/.exec(key);
    if (m && value.value.trim() !== '') setUrls((m[1] as string).toLowerCase(), value);
  }
}
