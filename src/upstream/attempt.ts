// One attempt on the instance the balancer chose, through its keep-alive pool. The pool enforces the
// connect and first-byte timeouts; the call's deadline signal ends it when the total time is spent.
// A resolver's call sends and parses JSON; a passthrough call streams its body both ways untouched.
import type { Dispatcher } from 'undici';
import type { CallContext, UpstreamResponse } from './call.ts';
import { failure, upstreamFailure } from './errors.ts';
import type { Instance } from './instance.ts';

export async function attempt(ctx: CallContext): Promise<UpstreamResponse> {
  const instance = ctx.instance as Instance;
  const { request, service } = ctx;
  if (request.raw) return rawAttempt(ctx, instance);
  const headers: Record<string, string> = { ...request.headers, accept: 'application/json', 'x-request-id': request.requestId };
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  instance.pending++;
  try {
    const res = await instance.pool.request({
      method: request.method as Dispatcher.HttpMethod,
      path: instance.basePath + request.path,
      headers,
      body,
      signal: ctx.deadline,
    });
    const text = await res.body.text();
    if (text === '') return { status: res.statusCode, body: undefined };
    try {
      return { status: res.statusCode, body: JSON.parse(text) };
    } catch {
      throw failure(service.name, 'invalid');
    }
  } catch (err) {
    // An abort is the call's deadline: report it as a timeout, whatever undici calls it.
    if (ctx.deadline.aborted) throw failure(service.name, 'timeout', err);
    throw upstreamFailure(service.name, err);
  } finally {
    instance.pending--;
  }
}

async function rawAttempt(ctx: CallContext, instance: Instance): Promise<UpstreamResponse> {
  const raw = ctx.request.raw!;
  instance.pending++;
  try {
    const res = await instance.pool.request({
      method: ctx.request.method as Dispatcher.HttpMethod,
      path: instance.basePath + ctx.request.path,
      headers: raw.headers,
      body: raw.body,
      signal: ctx.deadline,
    });
    return { status: res.statusCode, body: undefined, raw: { headers: res.headers, body: res.body } };
  } catch (err) {
    if (raw.signal.aborted) throw failure(ctx.service.name, 'cancelled', err);
    if (ctx.deadline.aborted) throw failure(ctx.service.name, 'timeout', err);
    throw upstreamFailure(ctx.service.name, err);
  } finally {
    instance.pending--;
  }
}
