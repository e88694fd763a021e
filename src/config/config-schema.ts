// The gateway's configuration: its types, every default in one object (units in comments), and the
// validator that turns a raw file/env layer into typed values with errors that name the key path.
import { ConfigError } from '../errors.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

export type UpstreamMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export const UPSTREAM_METHODS: readonly UpstreamMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

export interface BreakerConfig {
  /** Failure percentage within the window that opens an instance's breaker. @default 50 */
  errorThresholdPercentage: number;
  /** Calls within the window before the breaker may open at all. @default 10 */
  volumeThreshold: number;
  /** Rolling window over which failures are counted, in ms. @default 10000 */
  windowMs: number;
  /** Buckets the window is divided into. @default 10 */
  buckets: number;
  /** Time an open breaker waits before letting one trial call through (half-open), in ms. @default 5000 */
  resetTimeoutMs: number;
}

export interface RetryConfig {
  /** Retries after the first attempt (0 turns retries off). @default 2 */
  retries: number;
  /** Methods that may be retried; POST and PATCH are refused here, they are never idempotent. @default GET, HEAD, PUT, DELETE */
  methods: UpstreamMethod[];
  /** First backoff, in ms; each retry doubles it, with full jitter. @default 25 */
  baseDelayMs: number;
  /** Longest backoff, in ms. @default 250 */
  maxDelayMs: number;
  /** Retries allowed per first attempt, over the window (the retry budget). @default 0.2 */
  budgetRatio: number;
  /** Retries allowed per second regardless of traffic. @default 5 */
  budgetMinPerSecond: number;
}

export interface ServiceConfig {
  /** Base URLs of the service's instances (the load-balancing list). */
  urls: string[];
  /** Absolute path of the service's SDL file; none for a service reached only through passthrough routes. */
  schema: string | undefined;
  /** Total time for one REST call, retries and backoff included, in ms. @default 10000 */
  timeoutMs: number;
  /** Time to open a connection to an instance, in ms. @default 2000 */
  connectTimeoutMs: number;
  /** Time from sending a request to the first byte of its answer, per attempt, in ms. @default 5000 */
  firstByteTimeoutMs: number;
  /** Most keys in one batch call (`GET /movies?ids=…`). @default 500 */
  maxBatchSize: number;
  /** Longest URL a batch call may have, in characters; longer batches are split. @default 8000 */
  maxUrlLength: number;
  /** Single calls in flight at once for one request, where a service has no batch endpoint. @default 16 */
  maxConcurrency: number;
  /** How requests are spread over healthy instances. @default "round-robin" */
  balancer: 'round-robin' | 'least-pending';
  breaker: BreakerConfig;
  retry: RetryConfig;
  /** Keep-alive sockets per instance. @default 64 */
  connections: number;
  /** Path /readyz probes on each instance; any HTTP answer counts as reachable. @default "/healthz" */
  healthPath: string;
  /** Send the caller's original `Authorization: Bearer` token to this service instead of the identity headers. @default false */
  forwardToken: boolean;
  /** Largest JSON answer read from the service, in bytes; a larger one is refused (UPSTREAM_ERROR) unread. @default 8 MiB */
  maxResponseBytes: number;
}

/**
 * Who may use a route's method: anyone, any authenticated caller, or a rule: callers holding one of the
 * scope sets (OR of ANDs), and/or only on their own record, where `owner` is a path pattern on the
 * gateway's path ("/users/{id}") whose placeholder must equal the token's sub (unless auth.adminScope).
 */
export type RouteAccess = 'public' | 'authenticated' | { scopes?: string[][]; owner?: string };

/** The JWS algorithms a key may be given; `none` is not among them. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** One verification key: an HMAC secret, a public key (PEM), or a public JWK, with the algorithms it may verify. */
export interface AuthKeyConfig {
  /** Matched against the token header's `kid`; a key without one serves tokens without one. */
  kid: string | undefined;
  /** The algorithm allowlist of this key: HS* for a secret, asymmetric ones for a public key. */
  algorithms: JwtAlgorithm[];
  secret?: string;
  /** PEM text (SPKI) of a public key. */
  publicKey?: string;
  jwk?: Record<string, unknown>;
}

export interface AuthConfig {
  keys: AuthKeyConfig[];
  /** A JWKS endpoint: keys cached for cacheMaxAgeMs, refetched on an unknown `kid` at most once per cooldownMs. */
  jwks: { url: string; algorithms: JwtAlgorithm[]; cacheMaxAgeMs: number; cooldownMs: number; timeoutMs: number } | undefined;
  /** Accepted `iss` values; empty checks none (refused in production). */
  issuer: string[];
  /** Accepted `aud` values; empty checks none (refused in production). */
  audience: string[];
  /** Leeway for `exp` and `nbf`, in ms. @default 30000 */
  clockToleranceMs: number;
  /** Longest token accepted, in bytes. @default 8192 */
  maxTokenBytes: number;
  /** Claims read for scopes, first present wins: a space-separated string or a list. @default ["scope", "scp"] */
  scopeClaims: string[];
  /** The scope that lets a caller act on records it does not own (the @owner rule). @default "admin" */
  adminScope: string;
  /** Verify with the development key (made on first use in .dev/) when no key is configured. @default true, false in production */
  devKey: boolean;
  /** Headers that carry the verified identity to the services. */
  identityHeaders: { subject: string; scopes: string };
}

/** A REST passthrough route: requests under `prefix` go to `service`, streamed both ways. */
/** A budget: at most `max` calls per `windowMs`, sliding. */
export interface LimitConfig {
  max: number;
  windowMs: number;
}

/** Budgets for verified callers (by token subject) and anonymous ones (by client IP). */
export interface IdentityBudgets {
  authenticated: LimitConfig;
  anonymous: LimitConfig;
}

export interface RateLimitConfig {
  /** @default true */
  enabled: boolean;
  /** Per GraphQL operation per identity; over it, the request gets 429. */
  operation: IdentityBudgets;
  /** Per passthrough route per identity, unless the route sets its own. */
  routes: IdentityBudgets;
  /** Redis shared by gateway instances (one limit across them); in-memory per instance without it. */
  redisUrl: string | undefined;
  /** With Redis down: keep serving with per-instance limits ("local", logged), or refuse with 503 ("reject"). @default "local" */
  onStoreDown: 'local' | 'reject';
  /** Peers whose X-Forwarded-For is believed (IPs or CIDR ranges); the client IP is the first untrusted hop from the right. */
  trustedProxies: string[];
  /** Logs (identity × limit) the in-memory store keeps, least recently used dropped first; each holds up to `max` timestamps. @default 10000 */
  maxEntries: number;
}

export interface RouteConfig {
  /** Path prefix on the gateway; matches the prefix itself and everything below it ("/users", "/users/7"). */
  prefix: string;
  service: string;
  /** What replaces the prefix in the service's path. @default the prefix itself ("" strips it) */
  rewrite: string;
  /** Who may use each method, "*" for the rest. @default { GET: "public", "*": "authenticated" } */
  access: Record<string, RouteAccess>;
  /** This route's budgets per identity, or false for none. @default rateLimit.routes */
  rateLimit?: IdentityBudgets | false;
}

/** The limits every operation is checked against after validation, before any REST call. */
export const LIMIT_NAMES = ['depth', 'aliases', 'rootFields', 'directives', 'tokens', 'fields'] as const;
export type LimitName = (typeof LIMIT_NAMES)[number];

export interface OperationLimits {
  /** Check the limits and the cost estimate at all (the run-time guards stay on either way). @default true */
  enabled: boolean;
  /** Deepest field nesting (`{ a { b } }` is 2); __typename and, while introspection is on, introspection's own nesting do not count. @default 10 */
  depth: number;
  /** Aliased fields, fragments expanded. @default 15 */
  aliases: number;
  /** Fields at the operation's root, fragments expanded. @default 20 */
  rootFields: number;
  /** Directives used in the operation, fragments expanded. @default 50 */
  directives: number;
  /** Lexical tokens of the document; a longer one is refused while it is parsed. @default 2000 */
  tokens: number;
  /** Field selections with every fragment spread in full (a fragment spread n times counts n times). @default 1000 */
  fields: number;
  /** Limits that only log when exceeded, and let the operation run: to roll a limit out. @default [] */
  warnOnly: LimitName[];
}

/** The cost budget, in REST calls and items, estimated from each field's REST plan before any call. */
export interface CostLimits {
  /** Most REST calls an operation may be estimated to make in the worst case (@cost weights applied). @default 50 */
  maxCalls: number;
  /** Most items (objects and list entries) it may be estimated to return. @default 50000 */
  maxItems: number;
  /** Size assumed for a list with no @listSize and no slicing argument. @default 10 */
  defaultListSize: number;
  /** Most REST calls (weighted) an operation may actually make; past it the rest is null with COST_LIMIT_EXCEEDED. @default 100 */
  runtimeMaxCalls: number;
  /** Log estimates over the budget and run the operation anyway. @default false */
  warnOnly: boolean;
}

export interface GatewayConfig {
  /** Interface to listen on. @default "127.0.0.1" (loopback; set "0.0.0.0" or "::" to serve a network) */
  host: string;
  /** @default 3000 */
  port: number;
  logLevel: LogLevel;
  graphql: {
    /** Serve GraphiQL (assets from the gateway itself) to browsers on the GraphQL path. @default true, false in production */
    graphiql: boolean;
    /** Add `extensions.upstream` (the REST calls an operation made) to responses. @default true, false in production */
    devExtensions: boolean;
    /** Largest GraphQL request body, in bytes. @default 1 MiB */
    maxBodyBytes: number;
    /** Answer __schema and __type (__typename always works). @default true, false in production */
    introspection: boolean;
    /** Keep graphql-js's "Did you mean …?" hints in messages (they reveal the schema). @default true, false in production */
    fieldSuggestions: boolean;
    /** Refuse GETs and simple-content-type POSTs that carry none of CSRF_HEADERS (a browser sends those cross-site without a preflight). @default true */
    csrfPrevention: boolean;
    /** One deadline for a whole operation, every level of REST calls included, in ms. @default 30000 */
    operationTimeoutMs: number;
    limits: OperationLimits;
    cost: CostLimits;
  };
  /** Origins allowed to call the gateway from a browser; none by default (no CORS headers). */
  cors: { origins: string[] };
  /** Accept a caller's `X-Request-Id` (when well formed) instead of always minting one. @default true */
  trustRequestId: boolean;
  /** Largest request head (request line and headers), in bytes; larger ones get 431. @default 16 KiB */
  maxHeaderBytes: number;
  /** Time a client has to send a whole request, head and body, in ms; slower ones get 408. Bounds slow
   *  uploads on passthrough routes, whose service timeout starts only once the body is in. @default 120000 */
  requestTimeoutMs: number;
  services: Record<string, ServiceConfig>;
  routes: RouteConfig[];
  auth: AuthConfig;
  rateLimit: RateLimitConfig;
  passthrough: {
    /** Largest request body a passthrough route accepts, in bytes (streamed, never held whole). @default 100 MiB */
    maxBodyBytes: number;
    /** More headers only the gateway may set (the identity headers and Authorization always are): client copies are removed. @default [] */
    ownedHeaders: string[];
  };
}

/** Defaults for every service entry, in ms and counts. */
export const SERVICE_DEFAULTS = Object.freeze({
  timeoutMs: 10_000, // 10 s for a whole call, retries included
  connectTimeoutMs: 2_000, // 2 s
  firstByteTimeoutMs: 5_000, // 5 s per attempt
  maxBatchSize: 500, // keys; the example services accept up to 1,000
  maxUrlLength: 8_000, // characters; common servers refuse request lines over 8 KiB
  maxConcurrency: 16, // single calls in flight per request and service
  balancer: 'round-robin' as 'round-robin' | 'least-pending',
  breaker: Object.freeze({
    errorThresholdPercentage: 50, // %
    volumeThreshold: 10, // calls
    windowMs: 10_000, // 10 s
    buckets: 10,
    resetTimeoutMs: 5_000, // 5 s
  }),
  retry: Object.freeze({
    retries: 2,
    methods: Object.freeze(['GET', 'HEAD', 'PUT', 'DELETE'] as UpstreamMethod[]),
    baseDelayMs: 25, // 25 ms, doubling
    maxDelayMs: 250, // 250 ms
    budgetRatio: 0.2, // one retry per five calls
    budgetMinPerSecond: 5,
  }),
  connections: 64, // keep-alive sockets per instance
  healthPath: '/healthz',
  forwardToken: false,
  maxResponseBytes: 8 * 1024 * 1024, // 8 MiB of JSON
});

/** A fresh, mutable copy of the service defaults. */
export function serviceDefaults(): Omit<ServiceConfig, 'urls' | 'schema'> {
  return {
    ...SERVICE_DEFAULTS,
    breaker: { ...SERVICE_DEFAULTS.breaker },
    retry: { ...SERVICE_DEFAULTS.retry, methods: [...SERVICE_DEFAULTS.retry.methods] },
  };
}

export const GATEWAY_DEFAULTS = Object.freeze({
  host: '127.0.0.1',
  port: 3000,
  logLevel: 'info' as LogLevel,
  graphql: {
    graphiql: true,
    devExtensions: true,
    maxBodyBytes: 1024 * 1024, // 1 MiB
    introspection: true,
    fieldSuggestions: true,
    csrfPrevention: true,
    operationTimeoutMs: 30_000, // 30 s for a whole operation
    // Anchored on Apollo Router and GraphQL Armor: deep enough for users → favoriteMovies → director → …
    limits: { enabled: true, depth: 10, aliases: 15, rootFields: 20, directives: 50, tokens: 2000, fields: 1000, warnOnly: [] as LimitName[] },
    cost: { maxCalls: 50, maxItems: 50_000, defaultListSize: 10, runtimeMaxCalls: 100, warnOnly: false },
  },
  cors: { origins: [] as string[] },
  trustRequestId: true,
  maxHeaderBytes: 16 * 1024, // 16 KiB, Node's own default
  requestTimeoutMs: 120_000, // 2 min for a client to send a whole request
  passthrough: {
    maxBodyBytes: 100 * 1024 * 1024, // 100 MiB
    ownedHeaders: [] as string[], // beyond auth.identityHeaders and Authorization, which are always owned
  },
  auth: {
    keys: [] as AuthKeyConfig[],
    jwks: undefined as AuthConfig['jwks'],
    issuer: [] as string[],
    audience: [] as string[],
    clockToleranceMs: 30_000, // 30 s
    maxTokenBytes: 8 * 1024, // 8 KiB
    scopeClaims: ['scope', 'scp'],
    adminScope: 'admin',
    devKey: true,
    identityHeaders: { subject: 'x-user-id', scopes: 'x-user-scopes' },
  },
});

/** Defaults of the rate limits: generous enough for a busy frontend, low enough to blunt a script. */
export const RATE_LIMIT_DEFAULTS = Object.freeze({
  enabled: true,
  operation: { authenticated: { max: 1200, windowMs: 60_000 }, anonymous: { max: 300, windowMs: 60_000 } }, // per minute
  routes: { authenticated: { max: 1200, windowMs: 60_000 }, anonymous: { max: 300, windowMs: 60_000 } },
  redisUrl: undefined as string | undefined,
  onStoreDown: 'local' as 'local' | 'reject',
  trustedProxies: [] as string[],
  maxEntries: 10_000,
});

/** Defaults of a JWKS entry, in ms. */
export const JWKS_DEFAULTS = Object.freeze({
  cacheMaxAgeMs: 600_000, // 10 min
  cooldownMs: 30_000, // 30 s between refetches for unknown key ids
  timeoutMs: 5_000, // 5 s per fetch
});

/** What NODE_ENV=production changes before the file and the environment are applied. */
export const PRODUCTION_PRESET = Object.freeze({
  logLevel: 'warn' as LogLevel,
  graphql: { graphiql: false, devExtensions: false, introspection: false, fieldSuggestions: false },
  auth: { devKey: false },
});

/** Where a raw value came from, for error messages: `gateway.config.json#/services/users/urls/0`, `PORT in .env`. */
export type Where = (path: string) => string;

export const fail = (where: string, message: string): never => {
  throw new ConfigError(`${where}: ${message}`);
};

export function parseDuration(value: unknown, where: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === 'string') {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
    if (m) return Number(m[1]) * { ms: 1, s: 1000, m: 60_000 }[m[2] as 'ms' | 's' | 'm'];
  }
  return fail(where, `expected a duration such as 500 (ms), "500ms", "10s" or "1m", got ${JSON.stringify(value)}`);
}

export function parseInteger(value: unknown, where: string, lo: number, hi: number): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < lo || n > hi) {
    return fail(where, `expected an integer from ${lo} to ${hi}, got ${JSON.stringify(value)}`);
  }
  return n;
}

export function parseBoolean(value: unknown, where: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return fail(where, `expected true or false, got ${JSON.stringify(value)}`);
}

export function parseString(value: unknown, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') return fail(where, `expected a non-empty string, got ${JSON.stringify(value)}`);
  return value.trim();
}

/** A URL of one of `protocols`; `kind` and `example` word the errors ("an http(s)", "http://localhost:3001"). */
export function parseUrlOf(value: unknown, where: string, protocols: readonly string[], kind: string, example: string): URL {
  const text = parseString(value, where);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(where, `expected ${kind} URL such as ${example}, got ${JSON.stringify(text)}`);
  }
  if (!protocols.includes(url.protocol)) return fail(where, `expected ${kind} URL, got ${JSON.stringify(text)}`);
  return url;
}

export function parseHttpUrl(value: unknown, where: string): string {
  const url = parseUrlOf(value, where, ['http:', 'https:'], 'an http(s)', '"http://localhost:3001"');
  const text = parseString(value, where);
  if (url.search || url.hash || url.username || url.password) {
    return fail(where, `a service URL has no query, fragment or credentials, got ${JSON.stringify(text)}`);
  }
  return url.href.replace(/\/+$/, '');
}

export function parseObject(value: unknown, where: string, keys: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail(where, `expected an object, got ${JSON.stringify(value)}`);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) fail(`${where}/${key}`, `unknown key (known: ${keys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

export function parseNumber(value: unknown, where: string, lo: number, hi: number): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < lo || n > hi) return fail(where, `expected a number from ${lo} to ${hi}, got ${JSON.stringify(value)}`);
  return n;
}

export function parseArray(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) return fail(where, `expected an array, got ${JSON.stringify(value)}`);
  return value;
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
