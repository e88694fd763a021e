// The `auth` section of a config layer and the access rules of passthrough routes: keys with their
// algorithm allowlists (a secret verifies only HS*, a public key only asymmetric algorithms, so HS/RS
// key confusion cannot be configured), a JWKS endpoint, the claims checks, and the identity headers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  fail,
  JWKS_DEFAULTS,
  JWT_ALGORITHMS,
  parseArray,
  parseBoolean,
  parseDuration,
  parseHttpUrl,
  parseInteger,
  parseObject,
  parseString,
  type AuthConfig,
  type AuthKeyConfig,
  type JwtAlgorithm,
  type RouteAccess,
} from './config-schema.ts';

const AUTH_KEYS = ['keys', 'jwks', 'issuer', 'audience', 'clockTolerance', 'maxTokenBytes', 'scopeClaims', 'adminScope', 'devKey', 'identityHeaders'] as const;
const HMAC = new Set<JwtAlgorithm>(['HS256', 'HS384', 'HS512']);
const HEADER_NAME = /^[a-z0-9][a-z0-9-]*$/;

function parseAlgorithms(raw: unknown, where: string, symmetric: boolean): JwtAlgorithm[] {
  const list = parseArray(raw, where).map((a, i) => {
    if (!JWT_ALGORITHMS.includes(a as JwtAlgorithm)) fail(`${where}/${i}`, `expected one of ${JWT_ALGORITHMS.join(', ')}, got ${JSON.stringify(a)}`);
    if (HMAC.has(a as JwtAlgorithm) !== symmetric) {
      fail(`${where}/${i}`, symmetric ? `${a} needs a public key, not a secret` : `${a} needs a secret; a public key verifies asymmetric algorithms only`);
    }
    return a as JwtAlgorithm;
  });
  if (list.length === 0) fail(where, 'list at least one algorithm');
  return list;
}

function parseKey(raw: unknown, where: (p: string) => string, baseDir: string): AuthKeyConfig {
  const k = parseObject(raw, where(''), ['kid', 'algorithms', 'secret', 'publicKey', 'publicKeyFile', 'jwk']);
  const kinds = ['secret', 'publicKey', 'publicKeyFile', 'jwk'].filter((name) => k[name] !== undefined);
  if (kinds.length !== 1) fail(where(''), 'give exactly one of secret, publicKey (PEM), publicKeyFile or jwk');
  const kid = k.kid === undefined ? undefined : parseString(k.kid, where('/kid'));
  if (k.algorithms === undefined) fail(where('/algorithms'), 'missing: list the algorithms this key may verify, e.g. ["RS256"]');
  const key: AuthKeyConfig = { kid, algorithms: parseAlgorithms(k.algorithms, where('/algorithms'), k.secret !== undefined) };
  if (k.secret !== undefined) {
    key.secret = parseString(k.secret, where('/secret'));
    if (Buffer.byteLength(key.secret) < 32) fail(where('/secret'), 'an HMAC secret must be at least 32 bytes');
  } else if (k.jwk !== undefined) {
    const jwk = parseObject(k.jwk, where('/jwk'), Object.keys(k.jwk as object));
    if (jwk.d !== undefined || jwk.k !== undefined) fail(where('/jwk'), 'give the public key only (this JWK holds private or symmetric material)');
    key.jwk = jwk;
  } else {
    const pem = k.publicKey !== undefined ? parseString(k.publicKey, where('/publicKey')) : readPem(resolve(baseDir, parseString(k.publicKeyFile, where('/publicKeyFile'))), where('/publicKeyFile'));
    if (!pem.includes('-----BEGIN PUBLIC KEY-----')) fail(where(k.publicKey !== undefined ? '/publicKey' : '/publicKeyFile'), 'expected a PEM public key (-----BEGIN PUBLIC KEY-----)');
    key.publicKey = pem;
  }
  return key;
}

function readPem(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(where, `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

const stringList = (raw: unknown, where: string): string[] =>
  typeof raw === 'string' ? [parseString(raw, where)] : parseArray(raw, where).map((v, i) => parseString(v, `${where}/${i}`));

/** Applies one layer's `auth` object onto `auth`. */
export function applyAuthLayer(auth: AuthConfig, raw: unknown, where: (p: string) => string, baseDir: string): void {
  const a = parseObject(raw, where(''), AUTH_KEYS);
  if (a.keys !== undefined) auth.keys = parseArray(a.keys, where('/keys')).map((k, i) => parseKey(k, (p) => where(`/keys/${i}${p}`), baseDir));
  if (a.jwks === null) auth.jwks = undefined;
  else if (a.jwks !== undefined) {
    const j = parseObject(a.jwks, where('/jwks'), ['url', 'algorithms', 'cacheMaxAge', 'cooldown', 'timeout']);
    auth.jwks = {
      url: parseHttpUrl(j.url, where('/jwks/url')),
      algorithms: j.algorithms === undefined ? ['RS256', 'ES256'] : parseAlgorithms(j.algorithms, where('/jwks/algorithms'), false),
      cacheMaxAgeMs: j.cacheMaxAge === undefined ? JWKS_DEFAULTS.cacheMaxAgeMs : parseDuration(j.cacheMaxAge, where('/jwks/cacheMaxAge')),
      cooldownMs: j.cooldown === undefined ? JWKS_DEFAULTS.cooldownMs : parseDuration(j.cooldown, where('/jwks/cooldown')),
      timeoutMs: j.timeout === undefined ? JWKS_DEFAULTS.timeoutMs : parseDuration(j.timeout, where('/jwks/timeout')),
    };
  }
  if (a.issuer !== undefined) auth.issuer = stringList(a.issuer, where('/issuer'));
  if (a.audience !== undefined) auth.audience = stringList(a.audience, where('/audience'));
  if (a.clockTolerance !== undefined) auth.clockToleranceMs = parseDuration(a.clockTolerance, where('/clockTolerance'));
  if (a.maxTokenBytes !== undefined) auth.maxTokenBytes = parseInteger(a.maxTokenBytes, where('/maxTokenBytes'), 256, 64 * 1024);
  if (a.scopeClaims !== undefined) auth.scopeClaims = stringList(a.scopeClaims, where('/scopeClaims'));
  if (a.adminScope !== undefined) auth.adminScope = parseString(a.adminScope, where('/adminScope'));
  if (a.devKey !== undefined) auth.devKey = parseBoolean(a.devKey, where('/devKey'));
  if (a.identityHeaders !== undefined) {
    const h = parseObject(a.identityHeaders, where('/identityHeaders'), ['subject', 'scopes']);
    for (const name of ['subject', 'scopes'] as const) {
      if (h[name] === undefined) continue;
      const header = parseString(h[name], where(`/identityHeaders/${name}`)).toLowerCase();
      if (!HEADER_NAME.test(header)) fail(where(`/identityHeaders/${name}`), `expected a header name, got ${JSON.stringify(h[name])}`);
      auth.identityHeaders[name] = header;
    }
  }
}

/** Checks that hold once every layer is applied: what production requires of authentication. */
export function checkAuth(auth: AuthConfig, production: boolean): void {
  const configured = auth.keys.length > 0 || auth.jwks !== undefined;
  if (!production) return;
  if (!configured) fail('auth', 'NODE_ENV=production needs verification keys: set auth.keys or auth.jwks (the development key is for development only)');
  if (auth.issuer.length === 0) fail('auth/issuer', 'NODE_ENV=production needs the accepted token issuer(s)');
  if (auth.audience.length === 0) fail('auth/audience', 'NODE_ENV=production needs the accepted token audience(s)');
}

const OWNER_PATTERN = /^(\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))+$/;

/**
 * One method's access rule on a route: "public", "authenticated" ("protected" is the same), or
 * { "scopes": [["a", "b"], ["c"]], "owner": "/users/{id}" } (either part may be left out).
 */
export function parseRouteAccess(raw: unknown, where: string): RouteAccess {
  if (raw === 'public' || raw === 'authenticated') return raw;
  if (raw === 'protected') return 'authenticated';
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const o = parseObject(raw, where, ['scopes', 'owner']);
    if (o.scopes === undefined && o.owner === undefined) fail(where, 'give "scopes", "owner" or both');
    const rule: { scopes?: string[][]; owner?: string } = {};
    if (o.scopes !== undefined) rule.scopes = parseScopeSets(o.scopes, `${where}/scopes`);
    if (o.owner !== undefined) {
      const owner = parseString(o.owner, `${where}/owner`);
      if (!OWNER_PATTERN.test(owner) || (owner.match(/\{/g) ?? []).length !== 1) {
        fail(`${where}/owner`, `expected a path pattern with one placeholder for the owner's id, such as "/users/{id}", got ${JSON.stringify(owner)}`);
      }
      rule.owner = owner;
    }
    return rule;
  }
  return fail(where, `expected "public", "authenticated" or { "scopes": [["movies:write"]], "owner": "/users/{id}" }, got ${JSON.stringify(raw)}`);
}

/** Scope sets, OR of ANDs: [["a", "b"], ["c"]] is (a and b) or c. */
export function parseScopeSets(raw: unknown, where: string): string[][] {
  const sets = parseArray(raw, where).map((set, i) => {
    const list = parseArray(set, `${where}/${i}`).map((s, j) => parseString(s, `${where}/${i}/${j}`));
    if (list.length === 0) fail(`${where}/${i}`, 'a scope set lists at least one scope');
    return list;
  });
  if (sets.length === 0) fail(where, 'list at least one scope set, e.g. [["movies:write"]]');
  return sets;
}
