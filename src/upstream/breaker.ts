// The per-instance circuit breaker (opossum). 5xx answers, timeouts and connection errors count as
// failures; 4xx answers are successes for the breaker (the service is answering). An open breaker
// fails fast, with no socket opened.
import type { Interceptor } from './call.ts';
import { failure, ServerErrorAnswer } from './errors.ts';

export const breaker: Interceptor = (next) => {
  // Inside the breaker a 5xx is thrown, so opossum counts it; outside it is an answer again.
  const counted: typeof next = async (ctx) => {
    const res = await next(ctx);
    if (res.status >= 500) throw new ServerErrorAnswer(res);
    return res;
  };
  return async (ctx) => {
    const instance = ctx.instance!;
    try {
      return await instance.breaker.fire(() => counted(ctx));
    } catch (err) {
      if (err instanceof ServerErrorAnswer) return err.response;
      if ((err as { code?: string }).code === 'EOPENBREAKER') throw failure(ctx.service.name, 'unavailable', err);
      throw err;
    }
  };
};
