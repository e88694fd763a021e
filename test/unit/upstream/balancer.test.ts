import { afterEach, describe, expect, it } from 'vitest';
import { serviceDefaults, type ServiceConfig } from '../../../src/config/config-schema.ts';
import { balancer } from '../../../src/upstream/balancer.ts';
import type { CallContext } from '../../../src/upstream/call.ts';
import { UpstreamFailure } from '../../../src/upstream/errors.ts';
import { ServiceRuntime } from '../../../src/upstream/service-runtime.ts';

const runtimes: ServiceRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await Promise.all(r.instances.map((i) => i.close()));
});

function service(overrides: Partial<ServiceConfig> = {}): ServiceRuntime {
  // Pools connect lazily: these URLs are never dialled.
  const config: ServiceConfig = { ...serviceDefaults(), urls: ['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3'], schema: 'x', ...overrides };
  const runtime = new ServiceRuntime('svc', config);
  runtimes.push(runtime);
  return runtime;
}

/** The instance URL the balancer picks for each call. */
async function picks(runtime: ServiceRuntime, n: number, attempt = 0, previous?: CallContext['instance']): Promise<string[]> {
  const chosen: string[] = [];
  const call = balancer(async (ctx) => {
    chosen.push(ctx.instance!.url);
    return { status: 200, body: undefined };
  });
  for (let i = 0; i < n; i++) {
    const ctx: CallContext = { service: runtime, request: { method: 'GET', path: '/', requestId: 'r' }, deadline: new AbortController().signal, attempt };
    if (previous) ctx.instance = previous;
    await call(ctx);
  }
  return chosen;
}

describe('balancer', () => {
  it('goes round robin over the instances', async () => {
    expect(await picks(service(), 4)).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3', 'http://127.0.0.1:1']);
  });

  it('skips an instance whose breaker is open', async () => {
    const s = service();
    s.instances[1]!.breaker.open();
    expect(await picks(s, 4)).toEqual(['http://127.0.0.1:1', 'http://127.0.0.1:3', 'http://127.0.0.1:1', 'http://127.0.0.1:3']);
  });

  it('fails fast as "unavailable" when every breaker is open', async () => {
    const s = service();
    for (const i of s.instances) i.breaker.open();
    const err = await picks(s, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamFailure);
    expect((err as UpstreamFailure).kind).toBe('unavailable');
  });

  it('picks the instance with the fewest calls in flight under least-pending', async () => {
    const s = service({ balancer: 'least-pending' });
    s.instances[0]!.pending = 3;
    s.instances[1]!.pending = 1;
    s.instances[2]!.pending = 2;
    expect(await picks(s, 2)).toEqual(['http://127.0.0.1:2', 'http://127.0.0.1:2']);
  });

  it('sends a retry to another instance than the one that failed', async () => {
    const s = service();
    const failed = s.instances[0]!;
    s.next = 0; // round robin would pick the failed one next
    expect(await picks(s, 1, 1, failed)).toEqual(['http://127.0.0.1:2']);
  });

  it('still retries on the same instance when it is the only one', async () => {
    const s = service({ urls: ['http://127.0.0.1:1'] });
    expect(await picks(s, 1, 1, s.instances[0])).toEqual(['http://127.0.0.1:1']);
  });
});
