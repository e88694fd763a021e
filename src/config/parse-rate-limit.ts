// The `rateLimit` section of a config layer, and a route's own `rateLimit`: budgets per identity
// ({ "max": 300, "window": "1m" }), the Redis URL and what to do while Redis is down, and the proxies
// whose X-Forwarded-For is believed.
import { isIP } from 'node:net';
import {
  fail,
  parseArray,
  parseBoolean,
  parseDuration,
  parseInteger,
  parseObject,
  parseString,
  parseUrlOf,
  type IdentityBudgets,
  type LimitConfig,
  type RateLimitConfig,
} from './config-schema.ts';

const KEYS = ['enabled', 'operation', 'routes', 'redisUrl', 'onStoreDown', 'trustedProxies', 'maxEntries'] as const;

export function parseLimit(raw: unknown, where: string, base?: LimitConfig): LimitConfig {
  const l = parseObject(raw, where, ['max', 'window']);
  if (!base && (l.max === undefined || l.window === undefined)) fail(where, 'give "max" and "window", e.g. { "max": 300, "window": "1m" }');
  const limit = { ...(base as LimitConfig) };
  if (l.max !== undefined) limit.max = parseInteger(l.max, `${where}/max`, 1, 1_000_000_000);
  if (l.window !== undefined) {
    limit.windowMs = parseDuration(l.window, `${where}/window`);
    if (limit.windowMs < 1) fail(`${where}/window`, 'a window is at least 1ms');
  }
  return limit;
}

/** { authenticated?, anonymous? } over `base`. */
export function parseBudgets(raw: unknown, where: string, base: IdentityBudgets): IdentityBudgets {
  const b = parseObject(raw, where, ['authenticated', 'anonymous']);
  return {
    authenticated: b.authenticated === undefined ? { ...base.authenticated } : parseLimit(b.authenticated, `${where}/authenticated`, base.authenticated),
    anonymous: b.anonymous === undefined ? { ...base.anonymous } : parseLimit(b.anonymous, `${where}/anonymous`, base.anonymous),
  };
}

/** An IP or a CIDR range ("10.0.0.0/8", "fd00::/8"). */
export function parseProxy(raw: unknown, where: string): string {
  const text = parseString(raw, where);
  const [ip, bits, extra] = text.split('/');
  const family = isIP(ip ?? '');
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
    fail(where, `expected an IP address or a CIDR range such as "10.0.0.0/8", got ${JSON.stringify(text)}`);
  }
  return text;
}

export function applyRateLimitLayer(rl: RateLimitConfig, raw: unknown, where: (p: string) => string): void {
  const r = parseObject(raw, where(''), KEYS);
  if (r.enabled !== undefined) rl.enabled = parseBoolean(r.enabled, where('/enabled'));
  if (r.operation !== undefined) rl.operation = parseBudgets(r.operation, where('/operation'), rl.operation);
  if (r.routes !== undefined) rl.routes = parseBudgets(r.routes, where('/routes'), rl.routes);
  if (r.redisUrl !== undefined) rl.redisUrl = parseRedisUrl(r.redisUrl, where('/redisUrl'));
  if (r.onStoreDown !== undefined) {
    if (r.onStoreDown !== 'local' && r.onStoreDown !== 'reject') fail(where('/onStoreDown'), `expected "local" or "reject", got ${JSON.stringify(r.onStoreDown)}`);
    rl.onStoreDown = r.onStoreDown as 'local' | 'reject';
  }
  if (r.trustedProxies !== undefined) rl.trustedProxies = parseArray(r.trustedProxies, where('/trustedProxies')).map((p, i) => parseProxy(p, where(`/trustedProxies/${i}`)));
  if (r.maxEntries !== undefined) rl.maxEntries = parseInteger(r.maxEntries, where('/maxEntries'), 100, 100_000_000);
}

/** redis://host:port, rediss:// (TLS), or unix:///path/to/redis.sock. */
export function parseRedisUrl(raw: unknown, where: string): string {
  return parseUrlOf(raw, where, ['redis:', 'rediss:', 'unix:'], 'a redis://, rediss:// or unix://', 'redis://127.0.0.1:6379').href;
}
