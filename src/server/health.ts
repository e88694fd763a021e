// Bodies of /healthz (the process is alive; instance states as last seen, no network) and /readyz (the
// schema is built and every service has at least one instance that answers and whose breaker is not
// open; each instance is probed, at most once a second).
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';

/** The process state, with where the rate limits live (and whether Redis is reachable). */
export function healthBody(upstream: UpstreamClient, limiter?: RateLimiter) {
  const caches = upstream.caches();
  return { status: 'ok' as const, services: upstream.report(), rateLimit: limiter ? limiter.storeState : { store: 'off' }, ...(Object.keys(caches).length > 0 && { caches }) };
}

/**
 * Ready when every service has a healthy instance, and the rate limits can be enforced: a Redis store
 * that is down counts only under the "reject" policy (under "local" the instance limits on its own).
 */
export async function readiness(upstream: UpstreamClient, limiter?: RateLimiter): Promise<{ ready: boolean; body: unknown }> {
  const services = await upstream.probe();
  const down = Object.entries(services)
    .filter(([, instances]) => !instances.some((i) => i.reachable && i.breaker !== 'open'))
    .map(([name]) => name);
  const rateLimit = limiter ? limiter.storeState : { store: 'off' as const };
  if ('state' in rateLimit && rateLimit.onDown === 'reject' && rateLimit.state !== 'ready') down.push('rate-limit store');
  const ready = down.length === 0;
  return { ready, body: { status: ready ? 'ready' : 'unavailable', schema: 'built', ...(ready ? {} : { unavailable: down }), services, rateLimit } };
}
