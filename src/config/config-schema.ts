// The gateway's configuration, declared once: every key with its validation, its default (in the form
// a config file writes it, units included), the environment variable that sets it and what it means.
// The types, the loader's environment table, the README's configuration table and
// gateway.config.schema.json all come from here (scripts/config-docs.ts writes the last two).
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { bool, duration, either, httpUrl, inMs, int, JSON_SCHEMA_RULES, list, num, oneOf, size, str, strict, strings, url, type FieldMeta } from './fields.ts';

const m = (description: string, extra: Omit<FieldMeta, 'description'> = {}): FieldMeta => ({ description, ...extra });

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export const UPSTREAM_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
/** The JWS algorithms a key may be given; `none` is not among them. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;
export const LIMIT_NAMES = ['depth', 'aliases', 'rootFields', 'directives', 'tokens', 'fields'] as const;
/** OTEL_TRACES_SAMPLER's values. */
export const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
const HMAC = new Set(['HS256', 'HS384', 'HS512']);
const SERVICE_NAME = /^[a-z][a-z0-9_]{0,39}$/;
const PREFIX = /^(\/[A-Za-z0-9._~!$&'()*+,;=:@-]+)+$/;
const OWNER_PATTERN = /^(\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))+$/;
/** Paths the gateway answers itself; no route may take them. */
const RESERVED = ['/graphql', '/healthz', '/readyz'];

const headerName = str().transform((h) => h.toLowerCase()).refine((h) => /^[a-z0-9][a-z0-9-]*$/.test(h), { error: (iss) => `expected a header name, got ${JSON.stringify(iss.input)}` });

// ── services ────────────────────────────────────────────────────────────────────────────────────
const retryMethod = oneOf(UPSTREAM_METHODS).refine((v) => v !== 'POST' && v !== 'PATCH', { error: (iss) => `${String(iss.input)} is not idempotent and is never retried` });
const Breaker = strict({
  errorThresholdPercentage: num(1, 100).default(50).meta(m('failure percentage within the window that opens an instance\'s breaker')),
  volumeThreshold: int(0, 1_000_000).default(10).meta(m('calls within the window before the breaker may open at all')),
  window: duration().prefault('10s').meta(m('rolling window over which failures are counted')),
  buckets: int(1, 1000).default(10).meta(m('buckets the window is divided into')),
  resetTimeout: duration().prefault('5s').meta(m('time an open breaker waits before letting one trial call through')),
}).superRefine((b, ctx) => {
  if (b.window % b.buckets !== 0) ctx.addIssue({ code: 'custom', path: ['buckets'], message: `the window (${b.window} ms) must divide evenly into ${b.buckets} buckets` });
}).transform(inMs(['window', 'resetTimeout']));
const Retry = strict({
  retries: int(0, 10).default(2).meta(m('retries after the first attempt (0: none)')),
  methods: list(retryMethod).default(['GET', 'HEAD', 'PUT', 'DELETE']).meta(m('methods that may be retried; POST and PATCH are refused')),
  baseDelay: duration().prefault('25ms').meta(m('first backoff; each retry doubles it, with full jitter')),
  maxDelay: duration().prefault('250ms').meta(m('longest backoff')),
  budgetRatio: num(0, 10).default(0.2).meta(m('retries allowed per first attempt over the breaker window (the retry budget)')),
  budgetMinPerSecond: num(0, 100_000).default(5).meta(m('retries allowed per second regardless of traffic')),
}).transform(inMs(['baseDelay', 'maxDelay']));

// ── access rules (routes, GraphQL services) ─────────────────────────────────────────────────────
const scopeSets = list(list(str()).min(1, { error: 'a scope set lists at least one scope' })).min(1, { error: 'list at least one scope set, e.g. [["movies:write"]]' });
const isObject = (v: unknown): boolean => v !== null && typeof v === 'object' && !Array.isArray(v);
const accessRule = either(
  (v) => !isObject(v),
  z.enum(['public', 'authenticated', 'protected'], { error: (iss) => `expected "public", "authenticated" or { "scopes": [["movies:write"]], "owner": "/users/{id}" }, got ${JSON.stringify(iss.input)}` })
    .transform((v) => (v === 'protected' ? 'authenticated' : v)),
  strict({
      scopes: scopeSets.optional(),
      owner: str().refine((o) => OWNER_PATTERN.test(o) && (o.match(/\{/g) ?? []).length === 1, {
        error: (iss) => `expected a path pattern with one placeholder for the owner's id, such as "/users/{id}", got ${JSON.stringify(iss.input)}`,
      }).optional(),
  }).refine((r) => r.scopes !== undefined || r.owner !== undefined, { error: 'give "scopes", "owner" or both' }),
);
export type RouteAccess = 'public' | 'authenticated' | { scopes?: string[][] | undefined; owner?: string | undefined };

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
const isTypeOrField = (v: string): boolean => v.split('.').length <= 2 && v.split('.').every((n) => GRAPHQL_NAME.test(n));
const typeOrField = str().refine(isTypeOrField, { error: (iss) => `expected "Type" or "Type.field", got ${JSON.stringify(iss.input)}` });
const graphqlName = str().refine((v) => GRAPHQL_NAME.test(v), { error: (iss) => `expected a GraphQL name, got ${JSON.stringify(iss.input)}` });
/** A record whose keys name GraphQL types (or Type.field), each checked with a message that says so. */
const byName = <T extends z.ZodType>(value: T, key: (k: string) => boolean, expected: string) =>
  z.record(z.string(), value).superRefine((record, ctx) => {
    for (const k of Object.keys(record)) if (!key(k)) ctx.addIssue({ code: 'custom', path: [k], message: `expected ${expected}, got ${JSON.stringify(k)}` });
  });
const GraphQLService = strict({
  url: httpUrl().optional().meta(m('the service\'s GraphQL endpoint ("http://localhost:4000/graphql"): its origin is the instance when `urls` is not given, its path the `path`')),
  path: str().refine((p) => p.startsWith('/'), { error: (iss) => `a path starts with "/", got ${JSON.stringify(iss.input)}` }).optional().meta(m('the endpoint\'s path on each instance (default: the url\'s path, else /graphql)')),
  schema: str().optional().meta(m('the service\'s schema as an SDL file, relative to the config file; none: introspected at start-up and at each reload')),
  queryMethod: oneOf(['GET', 'POST']).default('GET').meta(m('how queries are sent: GET (retried like any GET, and deduplicated within a request; POST when the URL would pass maxUrlLength) or POST (never retried); mutations are always POSTs, never retried')),
  entities: byName(strict({
    field: str().meta(m('a Query field that takes a list of keys and answers the list in their order (null where missing)')),
    argument: str().default('ids').meta(m('its argument that takes the keys')),
  }), (k) => GRAPHQL_NAME.test(k), 'a type name').default({}).meta(m('how to look up the entities it shares with REST services by key (one request per level): { "Movie": { "field": "moviesByIds", "argument": "ids" } }; a Query field taking one list of IDs and answering a list of the type is found without it', { shown: 'found' })),
  rename: byName(graphqlName, isTypeOrField, '"Type" or "Type.field"').default({}).meta(m('new names where its names clash: { "Review": "RatingReview", "Query.top": "topRatings" }', { shown: 'none' })),
  hide: list(typeOrField).default([]).meta(m('types and fields left out of the gateway\'s schema: ["Query.debug", "Rating.internalNote"]', { shown: 'none' })),
  access: strict({
    Query: accessRule.default('public').meta(m('who may use its Query fields: "public", "authenticated" or { "scopes": [["ratings:read"]] }')),
    Mutation: accessRule.default('authenticated').meta(m('who may use its Mutation fields (the service sees the identity headers, and may check more)')),
  }).superRefine((a, ctx) => {
    for (const root of ['Query', 'Mutation'] as const) {
      const rule = a[root];
      if (typeof rule === 'object' && rule.owner !== undefined) ctx.addIssue({ code: 'custom', path: [root, 'owner'], message: 'owner is for passthrough routes (an id in the path); a GraphQL service checks ownership itself, from the identity headers' });
    }
  }).prefault({}).meta(m('checked by the gateway before any request reaches the service', { shown: '`{ Query: "public", Mutation: "authenticated" }`' })),
});

const ServiceTls = strict({
  ca: str().optional().meta(m('PEM file of the CA certificates that sign the service\'s certificates, instead of the system roots')),
  cert: str().optional().meta(m('PEM file of the gateway\'s client certificate, for services that require one (mTLS)')),
  key: str().optional().meta(m('PEM file of that certificate\'s private key')),
  servername: str().optional().meta(m('the name the service\'s certificate must carry (and SNI), when not the URL\'s host')),
}).superRefine((t, ctx) => {
  if ((t.cert === undefined) !== (t.key === undefined)) ctx.addIssue({ code: 'custom', path: [t.cert === undefined ? 'cert' : 'key'], message: 'a client certificate needs both cert and key' });
});

export const SIGNING_ALGORITHMS = ['HS256', 'ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'] as const;
const SignIdentity = strict({
  header: headerName.default('x-gateway-identity').meta(m('the header that carries the signed assertion (a compact JWS)')),
  secret: str().optional().meta(m('an HMAC key (HS256) shared with the service, at least 32 characters: "${env:ORDERS_IDENTITY_KEY}" or "${file:/run/secrets/key}"')),
  privateKey: str().optional().meta(m('or a PEM file of the gateway\'s private key (EC, RSA or Ed25519), whose public key the service holds')),
  alg: oneOf(SIGNING_ALGORITHMS).optional().meta(m('the JWS algorithm; by default HS256 for a secret, and the key\'s own for a private key (ES256 for P-256, RS256, EdDSA)')),
  kid: str().optional().meta(m('a key id for the JWS header, so the service can tell keys apart while they rotate')),
  ttl: duration(1000).prefault('30s').meta(m('how long an assertion is valid after it is made (exp − iat): the replay window the service enforces')),
}).superRefine((s, ctx) => {
  if ((s.secret === undefined) === (s.privateKey === undefined)) ctx.addIssue({ code: 'custom', path: ['secret'], message: 'give exactly one of secret (HMAC) and privateKey (a PEM file)' });
  if (s.secret !== undefined && s.alg !== undefined && s.alg !== 'HS256') ctx.addIssue({ code: 'custom', path: ['alg'], message: `a secret signs with HS256, not ${s.alg}` });
  if (s.privateKey !== undefined && s.alg === 'HS256') ctx.addIssue({ code: 'custom', path: ['alg'], message: 'HS256 needs a secret, not a private key' });
}).transform(inMs(['ttl']));

const ServiceEntry = strict({
  urls: list(httpUrl(), 'list the base URL of each instance, e.g. ["http://localhost:3001"]').min(1, { error: 'list at least one instance URL' }).optional().meta(m('base URLs of the instances (round robin or least pending); a GraphQL service may give graphql.url instead')),
  schema: str().optional().meta(m('the SDL file, relative to the config file; none for a service reached only through routes')),
  signIdentity: SignIdentity.optional().meta(m('sign what the gateway asserts on every call (caller, scopes, request id, method and path, time) in one header the service verifies, so it trusts the gateway and no one else', { shown: 'none' })),
  tls: ServiceTls.optional().meta(m('for https:// URLs: the CA to verify the service against, the gateway\'s client certificate (mTLS); files are read at start-up and at each reload', { shown: 'system roots, no client certificate' })),
  graphql: GraphQLService.optional().meta(m('a service that speaks GraphQL: its schema joins the gateway\'s, merged with the REST services\' by entity type and key', { shown: 'none' })),
  timeout: duration().prefault('10s').meta(m('a whole REST call, retries and backoff included')),
  connectTimeout: duration().prefault('2s').meta(m('opening a connection to an instance')),
  firstByteTimeout: duration().prefault('5s').meta(m('per attempt, from sending to the first byte of the answer')),
  maxBatchSize: int(1, 10_000).default(500).meta(m('keys per batch call (GET /movies?ids=…)')),
  maxUrlLength: int(256, 65_536).default(8000).meta(m('longer batches are split')),
  maxConcurrency: int(1, 1024).default(16).meta(m('single calls in flight per request where a service has no batch endpoint')),
  balancer: oneOf(['round-robin', 'least-pending']).default('round-robin').meta(m('how calls are spread over the instances whose breaker is not open')),
  breaker: Breaker.prefault({}).meta(m('per instance; 5xx, timeouts and connection errors count, 4xx do not')),
  retry: Retry.prefault({}).meta(m('jittered exponential backoff on no answer, timeouts, 502/503/504')),
  connections: int(1, 4096).default(64).meta(m('keep-alive sockets per instance')),
  healthPath: str().refine((p) => p.startsWith('/'), { error: (iss) => `a path starts with "/", got ${JSON.stringify(iss.input)}` }).default('/healthz').meta(m('what /readyz probes on each instance')),
  forwardToken: bool().default(false).meta(m('send the caller\'s Authorization: Bearer token instead of the identity headers')),
  maxResponseBytes: size(1024, 1024 ** 3).prefault('8MiB').meta(m('a larger JSON answer is refused (UPSTREAM_ERROR) unread; passthrough answers stream')),
  headers: z.record(headerName, z.string()).default({})
    .meta(m('sent on every call to the service, GraphQL and passthrough: { "x-api-key": "${env:ORDERS_KEY}" }; ${env:NAME} and ${file:/path} are read at start-up and never logged', { shown: 'none' })),
  forwardHeaders: list(headerName).default([]).meta(m('client request headers passed on to the service on GraphQL calls (the passthrough passes them all)', { shown: 'none' })),
  cache: strict({
    enabled: bool().default(false),
    maxBytes: size(0, 1024 ** 3).prefault('16MiB'),
    coalesce: bool().default(false),
  }).prefault({}).meta(m('a shared HTTP cache for the service\'s JSON GET answers (Cache-Control, Vary, ETag revalidation; keyed by every header sent, identity included), bounded in bytes; coalesce: identical GETs in flight at once share one call', {
    shown: '`{ enabled: false, maxBytes: "16MiB", coalesce: false }`',
  })),
  errors: strict({
    message: list(str()).default(['detail', 'title', 'error.message', 'errors.0.detail', 'errors.0.message', 'errors.0.title', 'message']),
    code: list(str()).default(['code', 'error.code', 'errors.0.code', 'type']),
    field: list(str()).default(['invalid-params.0.name', 'error.field', 'errors.0.source.pointer', 'errors.0.field', 'field']),
  }).prefault({}).meta(m('where an error body holds its message, code and field: dotted paths, first present wins; a JSON pointer (/data/attributes/email) gives its last part', {
    shown: 'RFC 9457 problem+json, JSON:API, `{ error: { message, field } }`',
  })),
}).superRefine((s, ctx) => {
  if (!s.urls && !s.graphql?.url) ctx.addIssue({ code: 'custom', path: ['urls'], message: 'missing: list the base URL of each instance, e.g. ["http://localhost:3001"]' });
  if (s.graphql && s.schema !== undefined) ctx.addIssue({ code: 'custom', path: ['schema'], message: 'a GraphQL service\'s schema is graphql.schema (an SDL file of its own schema), not a REST SDL file' });
  const urls = s.urls ?? (s.graphql?.url ? [s.graphql.url] : []);
  if (s.tls && !urls.some((u) => u.startsWith('https:'))) ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls applies to https:// instance URLs, and this service has none' });
});
JSON_SCHEMA_RULES.set(ServiceEntry, {
  anyOf: [{ required: ['urls'] }, { required: ['graphql'], properties: { graphql: { required: ['url'] } } }],
  not: { required: ['schema', 'graphql'] },
});
export const Service = ServiceEntry.transform(inMs(['timeout', 'connectTimeout', 'firstByteTimeout'])).transform(({ urls, graphql, ...rest }) => {
  const endpoint = graphql?.url ? new URL(graphql.url) : undefined;
  return {
    ...rest,
    urls: urls ?? [endpoint!.origin],
    ...(graphql && { graphql: { ...graphql, path: graphql.path ?? (endpoint && endpoint.pathname !== '/' ? endpoint.pathname : '/graphql') } }),
  };
});

// ── routes ──────────────────────────────────────────────────────────────────────────────────────

const limit = (max: number, window: string) => strict({ max: int(1, 1_000_000_000).default(max), window: duration(1).prefault(window) }).transform(inMs(['window']));
const budgets = (what: string) => strict({ authenticated: limit(1200, '1m').prefault({}), anonymous: limit(300, '1m').prefault({}) }).prefault({}).meta(m(what, { shown: '`{ authenticated: { max: 1200, window: "1m" }, anonymous: { max: 300, window: "1m" } }`' }));
const partialLimit = strict({ max: int(1, 1_000_000_000).optional(), window: duration(1).optional() }).transform(inMs(['window']));

const prefix = str().refine((p) => PREFIX.test(p) && !p.split('/').some((s) => s === '.' || s === '..'), {
  error: (iss) => `expected a path such as "/users", with no trailing slash, dot segments or percent-encoding, got ${JSON.stringify(iss.input)}`,
}).refine((p) => !RESERVED.some((r) => p === r || p.startsWith(`${r}/`)), { error: (iss) => `${String(iss.input)} is the gateway's own path` });
const Route = strict({
  prefix,
  service: str(),
  rewrite: z.string().refine((r) => r === '' || PREFIX.test(r), { error: (iss) => `expected "" (strip the prefix) or a path such as "/v1/users", got ${JSON.stringify(iss.input)}` }).optional(),
  // A rule for every method ("public", { scopes, owner }), or one per method ({ GET: "public", "*": … }).
  access: either(
    (v) => !isObject(v) || Object.keys(v as object).every((k) => k === 'scopes' || k === 'owner'),
    accessRule,
    z.record(z.string().regex(/^([A-Z]+|\*)$/, { error: 'expected a method in capitals, such as "GET", or "*"' }), accessRule),
  ).optional(),
  rateLimit: z.union([z.literal(false), strict({ authenticated: partialLimit.optional(), anonymous: partialLimit.optional() })]).optional(),
}).transform(({ prefix: p, service, rewrite, access, rateLimit }) => ({
  prefix: p,
  service,
  rewrite: rewrite ?? p,
  // No rule: public reads, authenticated writes; a rule for some methods leaves "*" authenticated.
  access: (access === undefined ? { GET: 'public', '*': 'authenticated' } : typeof access === 'string' || 'scopes' in access || 'owner' in access ? { '*': access } : { '*': 'authenticated', ...access }) as Record<string, RouteAccess>,
  rateLimit,
}));
export const Routes = list(Route).superRefine((routes, ctx) => {
  routes.forEach((r, i) => {
    if (routes.findIndex((o) => o.prefix === r.prefix) < i) ctx.addIssue({ code: 'custom', path: [i, 'prefix'], message: `${r.prefix} is routed twice` });
  });
});

// ── auth ────────────────────────────────────────────────────────────────────────────────────────
const algorithms = list(oneOf(JWT_ALGORITHMS)).min(1, { error: 'list at least one algorithm' });
const AuthKey = strict({
  kid: str().optional(),
  algorithms: algorithms.optional(),
  secret: str().refine((s) => Buffer.byteLength(s) >= 32, { error: 'an HMAC secret must be at least 32 bytes' }).optional(),
  publicKey: str().optional(),
  publicKeyFile: str().optional(),
  jwk: z.record(z.string(), z.unknown()).refine((j) => j.d === undefined && j.k === undefined, { error: 'give the public key only (this JWK holds private or symmetric material)' }).optional(),
}).superRefine((k, ctx) => {
  const kinds = (['secret', 'publicKey', 'publicKeyFile', 'jwk'] as const).filter((name) => k[name] !== undefined);
  if (kinds.length !== 1) return ctx.addIssue({ code: 'custom', message: 'give exactly one of secret, publicKey (PEM), publicKeyFile or jwk' });
  if (!k.algorithms) return ctx.addIssue({ code: 'custom', path: ['algorithms'], message: 'missing: list the algorithms this key may verify, e.g. ["RS256"]' });
  k.algorithms.forEach((a, i) => {
    if (HMAC.has(a) !== (k.secret !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['algorithms', i], message: k.secret !== undefined ? `${a} needs a public key, not a secret` : `${a} needs a secret; a public key verifies asymmetric algorithms only` });
    }
  });
  if (k.publicKeyFile !== undefined) {
    try {
      k.publicKey = readFileSync(k.publicKeyFile, 'utf8');
    } catch (e) {
      return ctx.addIssue({ code: 'custom', path: ['publicKeyFile'], message: `cannot read ${k.publicKeyFile} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})` });
    }
  }
  if (k.publicKey !== undefined && !k.publicKey.includes('-----BEGIN PUBLIC KEY-----')) {
    ctx.addIssue({ code: 'custom', path: [k.publicKeyFile !== undefined ? 'publicKeyFile' : 'publicKey'], message: 'expected a PEM public key (-----BEGIN PUBLIC KEY-----)' });
  }
}).transform(({ publicKeyFile: _file, ...k }) => ({ ...k, kid: k.kid, algorithms: k.algorithms! }));

const Auth = strict({
  keys: list(AuthKey).default([]).meta(m('{ kid, algorithms, secret | publicKey | publicKeyFile | jwk }: each key with its own algorithm allowlist; HS* only for a secret, asymmetric only for a public key', { shown: 'none' })),
  jwks: strict({
    url: httpUrl().meta(m('the JWKS endpoint', { env: 'AUTH_JWKS_URL' })),
    algorithms: list(oneOf(JWT_ALGORITHMS)).min(1).refine((l) => l.every((a) => !HMAC.has(a)), { error: 'a JWKS verifies asymmetric algorithms only' }).default(['RS256', 'ES256']),
    cacheMaxAge: duration().prefault('10m'),
    cooldown: duration().prefault('30s'),
    timeout: duration().prefault('5s'),
  }).transform(inMs(['cacheMaxAge', 'cooldown', 'timeout'])).nullable().optional()
    .transform((j) => j ?? undefined)
    .meta(m('{ url, algorithms, cacheMaxAge, cooldown, timeout }: keys cached, selected by kid; an unknown kid refetches at most once per cooldown', { shown: 'none' })),
  issuer: strings().default([]).meta(m('accepted iss values (required in production)', { env: 'AUTH_ISSUER', shown: 'none' })),
  audience: strings().default([]).meta(m('accepted aud values (required in production)', { env: 'AUTH_AUDIENCE', shown: 'none' })),
  clockTolerance: duration().prefault('30s').meta(m('leeway for exp and nbf')),
  maxTokenBytes: int(256, 64 * 1024).default(8192).meta(m('longer tokens are refused before any parsing')),
  scopeClaims: strings().default(['scope', 'scp']).meta(m('claims read for scopes, first present wins')),
  adminScope: str().default('admin').meta(m('passes every @owner rule and route owner rule')),
  devKey: bool().default(true).meta(m('verify with the development key when no key is configured', { shown: '`true` (`false` in production)' })),
  identityHeaders: strict({ subject: headerName.default('x-user-id'), scopes: headerName.default('x-user-scopes') }).prefault({})
    .meta(m('how the identity reaches the services', { shown: '`{ subject: "x-user-id", scopes: "x-user-scopes" }`' })),
}).transform(inMs(['clockTolerance']));

// ── rate limits ─────────────────────────────────────────────────────────────────────────────────
const proxy = str().refine((text) => {
  const [ip, bits, extra] = text.split('/');
  const family = (ip ?? '').includes(':') ? 6 : /^\d+\.\d+\.\d+\.\d+$/.test(ip ?? '') ? 4 : 0;
  return family !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32)));
}, { error: (iss) => `expected an IP address or a CIDR range such as "10.0.0.0/8", got ${JSON.stringify(iss.input)}` });
const RateLimit = strict({
  enabled: bool().default(true).meta(m('rate limits on GraphQL operations, @rateLimit fields and routes', { env: 'RATE_LIMIT_ENABLED' })),
  operation: budgets('GraphQL operations per caller; over it, 429'),
  routes: budgets('passthrough requests per caller and route; a route\'s own rateLimit (same shape, or false) wins'),
  redisUrl: url(['redis:', 'rediss:', 'unix:'], 'a redis://, rediss:// or unix://', 'redis://127.0.0.1:6379').optional()
    .meta(m('one limit shared by every gateway instance using it (redis://, rediss:// or unix:///run/redis.sock)', { env: 'REDIS_URL', shown: 'none (in memory)' })),
  onStoreDown: oneOf(['local', 'reject']).default('local').meta(m('with Redis unreachable: serve with per-instance limits (local), or answer 503 (reject)')),
  trustedProxies: list(proxy).default([]).meta(m('IPs or CIDR ranges whose X-Forwarded-For is believed', { env: 'TRUSTED_PROXIES', shown: 'none' })),
  maxEntries: int(100, 100_000_000).default(10_000).meta(m('in-memory logs (caller × limit) kept, least recently used dropped first')),
});

// ── graphql ─────────────────────────────────────────────────────────────────────────────────────
const Graphql = strict({
  graphiql: bool().default(true).meta(m('serve GraphiQL (offline) on /graphql to browsers', { env: 'GRAPHIQL', shown: '`true` (`false` in production)' })),
  devExtensions: bool().default(true).meta(m('extensions.upstream and extensions.cost in responses', { env: 'GATEWAY_DEV_EXTENSIONS', shown: '`true` (`false` in production)' })),
  maxBodyBytes: size(1024, 64 * 1024 ** 2).prefault('1MiB').meta(m('larger bodies get 413 from Content-Length before reading (411 without one)')),
  introspection: bool().default(true).meta(m('__schema and __type; __typename always works', { env: 'GRAPHQL_INTROSPECTION', shown: '`true` (`false` in production)' })),
  fieldSuggestions: bool().default(true).meta(m('graphql-js\'s "Did you mean …?" hints in messages', { shown: '`true` (`false` in production)' })),
  csrfPrevention: bool().default(true).meta(m('a GET, or a form or text/plain POST, must carry x-graphql-csrf, apollo-require-preflight, x-apollo-operation-name or graphql-preflight')),
  operationTimeout: duration(10).prefault('30s').meta(m('one deadline for a whole operation, every level of REST calls included')),
  compile: either((v) => typeof v === 'boolean', bool(), oneOf(['verify'])).default(true)
    .meta(m('run each query the gateway can compile on its REST plan, building the answer straight from the services\' JSON; anything irregular is replayed on graphql-jit from the request\'s cached answers. false: every operation on graphql-jit; "verify": every compiled answer also checked against graphql-js\'s own execution (the test suite runs so)')),
  batchWait: duration().prefault('50ms').meta(m('a batch waits for the rest of its level\'s answers until none has come for this long; 0: it goes at the end of each tick, as DataLoader\'s do')),
  limits: strict({
    enabled: bool().default(true),
    depth: int(1, 1e9).default(10),
    aliases: int(1, 1e9).default(15),
    rootFields: int(1, 1e9).default(20),
    directives: int(1, 1e9).default(50),
    tokens: int(1, 1e9).default(2000),
    fields: int(1, 1e9).default(1000),
    warnOnly: either((v) => typeof v === 'boolean', bool().transform((all) => (all ? [...LIMIT_NAMES] : [])), list(oneOf(LIMIT_NAMES))).default([]),
  }).prefault({}).meta(m('checked before any REST call (README "Security"); warnOnly: [names] or true logs instead of refusing', { shown: '`{ depth: 10, aliases: 15, rootFields: 20, directives: 50, tokens: 2000, fields: 1000 }`' })),
  cost: strict({
    maxCalls: int(1, 1e9).default(50),
    maxItems: int(1, 1e9).default(50_000),
    defaultListSize: int(0, 1e9).default(10),
    runtimeMaxCalls: int(1, 1e9).default(100),
    warnOnly: bool().default(false),
  }).prefault({}).meta(m('the worst case in REST calls and items, estimated before any call (README "Security")', { shown: '`{ maxCalls: 50, maxItems: 50000, defaultListSize: 10, runtimeMaxCalls: 100 }`' })),
}).transform(inMs(['operationTimeout', 'batchWait']));

// ── the whole file ──────────────────────────────────────────────────────────────────────────────
export const Config = strict({
  $schema: z.string().optional().meta(m('the JSON Schema an editor checks the file against (gateway.config.schema.json)')),
  host: str().default('127.0.0.1').meta(m('interface to listen on; 0.0.0.0 to serve a network', { env: 'HOST' })),
  port: int(0, 65535).default(3000).meta(m('0 picks a free one', { env: 'PORT' })),
  logLevel: oneOf(LOG_LEVELS).default('info').meta(m('lines on stderr: one per request and per REST call at info, each request\'s headers (secrets redacted) at debug', { env: 'LOG_LEVEL', shown: '`info` (`warn` in production)' })),
  logFormat: oneOf(['auto', 'json', 'pretty']).default('auto').meta(m('pretty lines at a terminal, JSON lines otherwise (auto); or always one', { env: 'LOG_FORMAT', shown: '`auto` (`json` in production)' })),
  graphql: Graphql.prefault({}),
  cors: strict({
    origins: list(str().refine((o) => o !== '*', { error: 'a wildcard origin is not allowed; list the origins that may call the gateway' }).pipe(httpUrl()).transform((o) => new URL(o).origin)).default([]).meta(m('origins that may call from a browser; no CORS headers unless listed', { env: 'CORS_ORIGINS', shown: 'none' })),
  }).prefault({}),
  metrics: strict({
    enabled: bool().default(true).meta(m('Prometheus metrics (README "Operations")', { env: 'METRICS_ENABLED' })),
    path: str().refine((p) => p.startsWith('/') && !RESERVED.includes(p), { error: (iss) => `expected a path such as "/metrics", not one the gateway answers itself, got ${JSON.stringify(iss.input)}` }).default('/metrics').meta(m('where the metrics are served')),
    port: int(0, 65535).optional().meta(m('a separate admin port for the metrics (and /healthz, /readyz); none: the main port', { env: 'METRICS_PORT', shown: 'none (the main port)' })),
    host: str().optional().meta(m('the admin port\'s interface', { shown: 'the main host' })),
    maxOperationNames: int(1, 10_000).default(100).meta(m('distinct operation names kept as labels; later ones are counted as "other"')),
    processMetrics: bool().default(true).meta(m('Node\'s process metrics: CPU, memory, event loop lag, GC')),
  }).prefault({}),
  tracing: strict({
    endpoint: httpUrl().optional().meta(m('the OTLP/HTTP traces endpoint; tracing is off without one (or with OTEL_SDK_DISABLED=true)', { env: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', shown: 'none (off)' })),
    headers: z.record(headerName, z.string()).default({}).meta(m('sent with each export (OTEL_EXPORTER_OTLP_HEADERS: "key=value,…")', { shown: 'none' })),
    serviceName: str().default('rest-graphql-gateway').meta(m('service.name of the spans', { env: 'OTEL_SERVICE_NAME' })),
    sampler: oneOf(SAMPLERS).default('parentbased_traceidratio').meta(m('which traces are kept: the OpenTelemetry sampler names; parentbased_*: a trusted caller\'s sampled flag decides, else the ratio (parentbased_always_on records every request: about 8.5 % of throughput on the bench query)', { env: 'OTEL_TRACES_SAMPLER' })),
    samplerArg: num(0, 1).default(0.1).meta(m('the ratio of new traces the traceidratio samplers keep', { env: 'OTEL_TRACES_SAMPLER_ARG' })),
    exportDelayMs: int(10, 60_000).default(200).meta(m('longest a finished span waits for its batch to be exported; short, so that spans die young (held for seconds, they outlive young-generation collections and are collected in the old generation: in paired runs at the default sampling, the SDK\'s default 5 s cost about 4 % of throughput more than 200 ms)', { env: 'OTEL_BSP_SCHEDULE_DELAY' })),
    acceptTraceparent: oneOf(['always', 'trusted-proxies', 'never']).default('always').meta(m('whose W3C traceparent continues a trace: any client, only rateLimit.trustedProxies, or nobody (a new trace per request)')),
  }).prefault({}),
  compression: strict({
    enabled: bool().default(true).meta(m('compress GraphQL answers and GraphiQL\'s files (zstd, brotli or gzip, as the client accepts); the passthrough never')),
    threshold: size(0, 1024 ** 3).prefault('1KiB').meta(m('smaller answers are sent as they are')),
  }).prefault({}),
  workers: either((v) => typeof v === 'number', int(1, 256), oneOf(['auto'])).default('auto')
    .meta(m('processes serving on the port (node:cluster); auto: one per core in production, one otherwise; --workers N on the command line wins', { env: 'WORKERS', shown: '`auto`' })),
  tls: strict({
    cert: str().optional().meta(m('PEM file of the gateway\'s certificate (its chain after it): HTTPS on the main port, HTTP/2 negotiated by ALPN beside HTTP/1.1', { env: 'TLS_CERT_FILE', shown: 'none (plain HTTP)' })),
    key: str().optional().meta(m('PEM file of its private key', { env: 'TLS_KEY_FILE', shown: 'none' })),
    ca: str().optional().meta(m('PEM file of intermediate CA certificates sent after the certificate, when its file holds only its own')),
    http2: bool().default(true).meta(m('offer HTTP/2 (h2) by ALPN; false: HTTP/1.1 only')),
    hsts: strict({
      maxAge: duration(1000).prefault('180d').meta(m('how long browsers keep to HTTPS')),
      includeSubDomains: bool().default(false).meta(m('the same for every subdomain')),
    }).optional().meta(m('send Strict-Transport-Security on every answer', { shown: 'none' })),
    redirectPort: int(0, 65535).optional().meta(m('a plain-HTTP listener (same host) that only redirects to HTTPS (308)', { shown: 'none' })),
  }).superRefine((t, ctx) => {
    if (t.cert === undefined || t.key === undefined) ctx.addIssue({ code: 'custom', path: [t.cert === undefined ? 'cert' : 'key'], message: 'HTTPS needs both cert and key (TLS_CERT_FILE, TLS_KEY_FILE)' });
  }).transform(({ hsts, ...rest }) => ({ ...rest, ...(hsts && { hsts: { maxAgeMs: hsts.maxAge, includeSubDomains: hsts.includeSubDomains } }) })).optional()
    .meta(m('terminate TLS here (README "TLS and HTTP/2"); the files are read at start-up and again at each reload (SIGHUP), which serves a renewed certificate to new connections without dropping any', { shown: 'none (plain HTTP)' })),
  trustRequestId: bool().default(true).meta(m('accept a well-formed X-Request-Id, else mint one')),
  maxHeaderBytes: size(1024, 1024 ** 2).prefault('16KiB').meta(m('larger request heads get 431')),
  drainDelay: duration().prefault('5s').meta(m('after SIGTERM, how long /readyz answers 503 while new connections are still accepted, so a load balancer stops sending first')),
  shutdownTimeout: duration(100).prefault('25s').meta(m('after SIGTERM, the whole drain (drainDelay included): requests still in flight then are cut; keep it under the orchestrator\'s grace period')),
  requestTimeout: duration(100).prefault('2m').meta(m('time a client has to send a whole request, body included (408)')),
  services: z.record(z.string().regex(SERVICE_NAME), Service, {
    error: (iss) => (iss.code === 'invalid_key' ? 'a service name is lower case letters, digits and _ (it names the service in errors and env variables)' : `expected an object, got ${JSON.stringify(iss.input)}`),
  }).default({}).meta(m('the services, each an entry below; a services object in a file is the whole list', { shown: 'users :3001, movies :3002' })),
  routes: Routes.optional().meta(m('passthrough routes: { prefix, service, rewrite, access, rateLimit }', { shown: '/users → users, /movies → movies' })),
  passthrough: strict({
    maxBodyBytes: size(0, Number.MAX_SAFE_INTEGER).prefault('100MiB').meta(m('413 from Content-Length before reading, or counted on a chunked body')),
    ownedHeaders: list(str().transform((h) => h.toLowerCase())).default([]).meta(m('more headers only the gateway may set (identity headers and Authorization always are)', { shown: 'none' })),
  }).prefault({}),
  auth: Auth.prefault({}),
  rateLimit: RateLimit.prefault({}),
}).superRefine((c, ctx) => {
  if (c.drainDelay >= c.shutdownTimeout) ctx.addIssue({ code: 'custom', path: ['drainDelay'], message: `the drain delay (${c.drainDelay} ms) must be shorter than shutdownTimeout (${c.shutdownTimeout} ms)` });
}).transform(inMs(['requestTimeout', 'drainDelay', 'shutdownTimeout']));

export type ParsedConfig = z.output<typeof Config>;
/** The configuration the gateway runs with: every route resolved (loadConfig). */
export type GatewayConfig = Omit<ParsedConfig, 'routes' | '$schema'> & { routes: RouteConfig[] };
export type ServiceConfig = ParsedConfig['services'][string];
/** A passthrough route with its budgets resolved: its own, else rateLimit.routes; false: none. */
export type RouteConfig = Omit<z.output<typeof Route>, 'rateLimit'> & { rateLimit?: IdentityBudgets | false | undefined };
export type AuthConfig = GatewayConfig['auth'];
export type AuthKeyConfig = AuthConfig['keys'][number];
export type RateLimitConfig = GatewayConfig['rateLimit'];
export type IdentityBudgets = RateLimitConfig['operation'];
export type LimitConfig = IdentityBudgets['authenticated'];
export type OperationLimits = GatewayConfig['graphql']['limits'];
export type CostLimits = GatewayConfig['graphql']['cost'];
export type LimitName = (typeof LIMIT_NAMES)[number];
export type TracingConfig = GatewayConfig['tracing'];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];
export type UpstreamMethod = (typeof UPSTREAM_METHODS)[number];

/** A service entry's defaults around its urls: what tests and tools start from. */
export function serviceDefaults(): Omit<ServiceConfig, 'urls' | 'schema'> {
  const { urls: _urls, schema: _schema, ...rest } = Service.parse({ urls: ['http://localhost:1'] });
  return rest;
}
