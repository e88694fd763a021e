// The upstream interceptors one by one: retry (which failures, which methods, the budget, the deadline),
// breaker (which outcomes count, fail-fast when open) and attempt (JSON both ways, the size limit,
// which signal ended a call), the last against a real HTTP server on port 0.
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serviceDefaults, type ServiceConfig } from '../../../src/config/config-schema.ts';
import { attempt } from '../../../src/upstream/attempt.ts';
import { breaker } from '../../../src/upstream/breaker.ts';
import type { Call, CallContext } from '../../../src/upstream/call.ts';
import { failure, UpstreamFailure } from '../../../src/upstream/errors.ts';
import type { UpstreamRequest } from '../../../src/upstream/messages.ts';
import { retry } from '../../../src/upstream/retry.ts';
import { ServiceRuntime } from '../../../src/upstream/service-runtime.ts';
import { closeServer, listen } from '../../harness/listen.ts';

const runtimes: ServiceRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await Promise.all(r.instances.map((i) => i.close()));
});

function runtime(url = 'http://127.0.0.1:1', overrides: Partial<ServiceConfig> = {}): ServiceRuntime {
  const r = new ServiceRuntime('svc', { ...serviceDefaults(), urls: [url], schema: undefined, ...overrides, retry: { ...serviceDefaults().retry, baseDelayMs: 0, maxDelayMs: 0, ...overrides.retry } });
  runtimes.push(r);
  return r;
}

function context(service: ServiceRuntime, request: Partial<UpstreamRequest> = {}, deadline = new AbortController().signal): CallContext {
  return { service, request: { method: 'GET', path: '/x', requestId: 'r', ...request }, deadline, attempt: 0, instance: service.instances[0] };
}

/** A Call that plays the given outcomes in order (the last repeats) and counts its calls. */
function scripted(...outcomes: Array<number | UpstreamFailure>): Call & { calls: number } {
  let i = 0;
  const call = (async () => {
    call.calls++;
    const outcome = outcomes[Math.min(i++, outcomes.length - 1)]!;
    if (outcome instanceof UpstreamFailure) throw outcome;
    return { status: outcome, body: undefined };
  }) as unknown as Call & { calls: number };
  call.calls = 0;
  return call;
}

describe('retry', () => {
  it('retries an idempotent call on no answer, a timeout and 502/503/504, up to the configured retries', async () => {
    const next = scripted(failure('svc', 'unreachable'), 503, failure('svc', 'timeout'), 200);
    const res = await retry(next)(context(runtime(undefined, { retry: { ...serviceDefaults().retry, retries: 3 } })));
    expect(res.status).toBe(200);
    expect(next.calls).toBe(4);
  });

  it('never retries a POST or PATCH, nor an answer a retry cannot help (500, 4xx), nor a call with a streamed body', async () => {
    for (const method of ['POST', 'PATCH']) {
      const next = scripted(503, 200);
      expect((await retry(next)(context(runtime(), { method }))).status).toBe(503);
      expect(next.calls).toBe(1);
    }
    for (const status of [500, 404]) {
      const next = scripted(status, 200);
      expect((await retry(next)(context(runtime()))).status).toBe(status);
      expect(next.calls).toBe(1);
    }
    const { Readable } = await import('node:stream');
    const next = scripted(503, 200);
    expect((await retry(next)(context(runtime(), { method: 'PUT', raw: { headers: {}, body: Readable.from(['x']) } }))).status).toBe(503);
    expect(next.calls).toBe(1);
  });

  it('does not retry once the call\'s deadline has passed', async () => {
    const deadline = new AbortController();
    let calls = 0;
    const next: Call = async () => {
      calls++;
      deadline.abort();
      throw failure('svc', 'unreachable');
    };
    await expect(retry(next)(context(runtime(), {}, deadline.signal))).rejects.toMatchObject({ kind: 'unreachable' });
    expect(calls).toBe(1);
  });

  it('ends a backoff when the caller leaves, with the caller\'s reason (an operation\'s deadline)', async () => {
    const caller = new AbortController();
    const deadline = new AbortController();
    const next: Call = async () => {
      // After the retry is decided, during the backoff: the upstream client aborts the call when its caller does.
      setImmediate(() => {
        caller.abort('deadline');
        deadline.abort();
      });
      return { status: 503, body: undefined };
    };
    await expect(retry(next)(context(runtime(), { signal: caller.signal }, deadline.signal))).rejects.toMatchObject({ kind: 'deadline' });
  });

  it('spends the retry budget: past it, failures go back to the caller unretried', async () => {
    // No share of traffic, and a floor of 0.1 retry a second: one retry over the 10 s window.
    const service = runtime(undefined, { retry: { ...serviceDefaults().retry, retries: 1, budgetRatio: 0, budgetMinPerSecond: 0.1 } });
    const calls: number[] = [];
    for (let i = 0; i < 4; i++) {
      const next = scripted(503, 200);
      await retry(next)(context(service));
      calls.push(next.calls);
    }
    expect(calls).toEqual([2, 1, 1, 1]);
  });
});

describe('breaker', () => {
  it('counts 5xx and failures, not 4xx, and fails fast with "unavailable" once open', async () => {
    const service = runtime(undefined, { breaker: { ...serviceDefaults().breaker, volumeThreshold: 2, errorThresholdPercentage: 50 } });
    const instance = service.instances[0]!;
    for (let i = 0; i < 5; i++) expect((await breaker(scripted(404))(context(service))).status).toBe(404);
    expect(instance.state).toBe('closed');
    expect((await breaker(scripted(500))(context(service))).status).toBe(500); // the answer still comes back
    await expect(breaker(scripted(failure('svc', 'timeout')))(context(service))).rejects.toMatchObject({ kind: 'timeout' });
    expect(instance.state).toBe('closed'); // 2 failures of 7 calls
    // Four more 503s make 6 failures of 11 calls: over half, the threshold.
    for (let i = 0; i < 4; i++) await breaker(scripted(503))(context(service));
    expect(instance.state).toBe('open');
    const untouched = scripted(200);
    await expect(breaker(untouched)(context(service))).rejects.toMatchObject({ kind: 'unavailable' });
    expect(untouched.calls).toBe(0);
  });

  it('does not count what is not the service\'s fault: a cancelled call, an operation\'s deadline, an answer too large', async () => {
    const service = runtime(undefined, { breaker: { ...serviceDefaults().breaker, volumeThreshold: 1 } });
    for (const kind of ['cancelled', 'deadline', 'too_large'] as const) {
      await expect(breaker(scripted(failure('svc', kind)))(context(service))).rejects.toMatchObject({ kind });
    }
    expect(service.instances[0]!.state).toBe('closed');
    expect(service.instances[0]!.breaker.stats.failures).toBe(0);
  });

  it('keeps counts only: no latency percentiles sorted per snapshot (a once-a-second stall under load)', async () => {
    const service = runtime();
    for (let i = 0; i < 3; i++) await breaker(scripted(200))(context(service));
    const stats = service.instances[0]!.breaker.stats;
    expect(stats.successes).toBe(3);
    expect(stats.latencyMean).toBe(-1); // opossum's mark for percentiles off
    const status = service.instances[0]!.breaker.status as unknown as { enableSnapshots: boolean };
    expect(status.enableSnapshots).toBe(false);
  });
});

describe('attempt', () => {
  let server: Server;
  let url: string;
  const seen: Array<{ method: string; headers: Record<string, unknown>; body: string }> = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, headers: req.headers, body });
        if (req.url === '/big') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify('x'.repeat(5000)));
        if (req.url === '/big-chunked') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.write('"');
          res.write('x'.repeat(5000));
          return void res.end('"');
        }
        if (req.url === '/text') return void res.writeHead(200).end('not json');
        if (req.url === '/hang') return;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ echo: body ? JSON.parse(body) : null }));
      });
    });
    url = await listen(server);
  });
  afterAll(() => closeServer(server));

  it('sends JSON with the request id and the identity headers, and parses the JSON answer', async () => {
    const service = runtime(url);
    const res = await attempt(context(service, { method: 'POST', path: '/echo', body: { a: 1 }, headers: { 'x-user-id': '7' } }));
    expect(res).toMatchObject({ status: 201, body: { echo: { a: 1 } } });
    expect(res.headers?.['content-type']).toBe('application/json'); // for templates that read them
    expect(seen.at(-1)).toMatchObject({ method: 'POST', headers: { 'x-request-id': 'r', 'x-user-id': '7', 'content-type': 'application/json' } });
  });

  it('refuses an answer over maxResponseBytes, declared or streamed, and one that is not JSON', async () => {
    const service = runtime(url, { maxResponseBytes: 1024 });
    await expect(attempt(context(service, { path: '/big' }))).rejects.toMatchObject({ kind: 'too_large' });
    await expect(attempt(context(service, { path: '/big-chunked' }))).rejects.toMatchObject({ kind: 'too_large' });
    await expect(attempt(context(service, { path: '/text' }))).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('reports why a call was ended: its own deadline (timeout), the operation\'s (deadline), its client leaving (cancelled)', async () => {
    const service = runtime(url);
    const ended = async (caller?: AbortController) => {
      const deadline = new AbortController();
      const pending = attempt(context(service, { path: '/hang', signal: caller?.signal }, deadline.signal));
      setImmediate(() => {
        if (caller) caller.abort(caller === operation ? 'deadline' : undefined);
        deadline.abort(); // the upstream client aborts the call's deadline when its caller aborts
      });
      return pending.catch((err: UpstreamFailure) => err.kind);
    };
    const operation = new AbortController();
    expect(await ended()).toBe('timeout');
    expect(await ended(operation)).toBe('deadline');
    expect(await ended(new AbortController())).toBe('cancelled');
  });
});
