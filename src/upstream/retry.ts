// Retries with jittered exponential backoff, only for idempotent methods (the service's configured
// list; never POST or PATCH) with no streamed body, only for failures a retry can help (no answer,
// timeouts, 502/503/504), within the service's retry budget and the call's deadline.
import type { Interceptor } from './call.ts';
import type { UpstreamResponse } from './messages.ts';
import { abortKind, failure, UpstreamFailure } from './errors.ts';

const RETRY_STATUSES = new Set([502, 503, 504]);

function retryable(outcome: UpstreamResponse | unknown): boolean {
  if (outcome instanceof UpstreamFailure) return outcome.kind === 'unreachable' || outcome.kind === 'timeout';
  return RETRY_STATUSES.has((outcome as UpstreamResponse).status);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export const retry: Interceptor = (next) => async (ctx) => {
  const { service, request } = ctx;
  const policy = service.config.retry;
  // A streamed body cannot be sent twice: a passthrough call is retried only when it has none.
  const idempotent = policy.retries > 0 && (policy.methods as readonly string[]).includes(request.method) && !request.raw?.body;
  service.budget.deposit();
  for (;;) {
    let outcome: UpstreamResponse | unknown;
    let failed = false;
    try {
      outcome = await next(ctx);
    } catch (err) {
      outcome = err;
      failed = true;
    }
    const again = idempotent && ctx.attempt < policy.retries && !ctx.deadline.aborted && retryable(outcome) && service.budget.withdraw();
    if (!again) {
      if (failed) throw outcome;
      return outcome as UpstreamResponse;
    }
    (outcome as UpstreamResponse).raw?.body.resume(); // a discarded streamed answer still frees its socket
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** ctx.attempt);
    await sleep(Math.random() * cap, ctx.deadline);
    if (ctx.deadline.aborted) throw failure(service.name, request.signal?.aborted ? abortKind(request.signal) : 'timeout');
    ctx.attempt++;
  }
};
