// Picks the instance for each attempt: round robin or least pending over the instances whose breaker is
// not open. When every breaker is open the call fails fast as "unavailable", with no socket opened.
import type { Interceptor } from './call.ts';
import { failure } from './errors.ts';
import type { Instance } from './instance.ts';
import type { ServiceRuntime } from './service-runtime.ts';

/** Not open, and not half open with its one trial call already in flight. */
const available = (instance: Instance): boolean => !instance.breaker.opened && !(instance.breaker.halfOpen && !instance.breaker.pendingClose);

function pick(service: ServiceRuntime, exclude: Instance | undefined): Instance | undefined {
  const all = service.instances;
  if (all.length === 1) return available(all[0]!) ? all[0] : undefined;
  if (service.config.balancer === 'least-pending') {
    let best: Instance | undefined;
    for (const instance of all) {
      if (!available(instance) || instance === exclude) continue;
      if (!best || instance.pending < best.pending) best = instance;
    }
    return best ?? (exclude && available(exclude) ? exclude : undefined);
  }
  for (let i = 0; i < all.length; i++) {
    const instance = all[service.next++ % all.length]!;
    if (available(instance) && instance !== exclude) return instance;
  }
  return exclude && available(exclude) ? exclude : undefined;
}

export const balancer: Interceptor = (next) => (ctx) => {
  // A retry prefers another instance than the one that just failed.
  const instance = pick(ctx.service, ctx.attempt > 0 ? ctx.instance : undefined);
  if (!instance) return Promise.reject(failure(ctx.service.name, 'unavailable'));
  ctx.instance = instance;
  return next(ctx);
};
