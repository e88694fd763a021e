// One attempt on the instance the balancer chose, through its keep-alive pool. The pool enforces the
// connect and first-byte timeouts; the call's deadline signal ends it when the total time is spent.
// A resolver's call sends and parses JSON, reading at most the service's maxResponseBytes; a
// passthrough call streams its body both ways untouched.
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import type { CallContext } from './call.ts';
import type { UpstreamResponse } from './messages.ts';
import { abortKind, failure, upstreamFailure } from './errors.ts';
import type { Instance } from './instance.ts';

/** Why an attempt that threw ended: its caller went away or ran out of time, its own deadline, or the transport. */
function attemptFailure(ctx: CallContext, err: unknown) {
  const caller = ctx.request.signal;
  if (caller?.aborted) return failure(ctx.service.name, abortKind(caller), err);
  // An abort is the call's deadline: report it as a timeout, whatever undici calls it.
  if (ctx.deadline.aborted) return failure(ctx.service.name, 'timeout', err);
  return upstreamFailure(ctx.service.name, err);
}

/** The body as text, refused as soon as it passes `limit` bytes (a chunked answer declares no size). */
async function readCapped(body: Readable, limit: number, service: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      body.destroy();
      throw failure(service, 'too_large');
    }
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
}

export async function attempt(ctx: CallContext): Promise<UpstreamResponse> {
  const instance = ctx.instance as Instance;
  const { request, service } = ctx;
  if (request.raw) return rawAttempt(ctx, instance);
  const headers: Record<string, string> = { ...request.headers, ...ctx.traceHeaders, accept: 'application/json', 'x-request-id': request.requestId };
  const target = instance.basePath + request.path;
  if (service.signer) headers[service.signer.header] = await service.signer.sign(request.method, target, request.requestId, headers);
  let body: string | undefined;
  if (request.body !== undefined) {
    body = JSON.stringify(request.body);
    headers['content-type'] = 'application/json';
  }
  const limit = service.config.maxResponseBytes;
  instance.pending++;
  try {
    const res = await instance.pool.request({
      method: request.method as Dispatcher.HttpMethod,
      path: target,
      headers,
      body,
      signal: ctx.deadline,
    });
    const declared = res.headers['content-length'];
    let text: string;
    if (declared !== undefined) {
      // The HTTP parser frames the body by its declared length, so checking the header is enough.
      if (Number(declared) > limit) {
        res.body.destroy();
        throw failure(service.name, 'too_large');
      }
      text = await res.body.text();
    } else {
      text = await readCapped(res.body, limit, service.name);
    }
    if (text === '') return { status: res.statusCode, body: undefined, headers: res.headers, text };
    try {
      return { status: res.statusCode, body: JSON.parse(text), headers: res.headers, text };
    } catch {
      throw failure(service.name, 'invalid');
    }
  } catch (err) {
    throw attemptFailure(ctx, err);
  } finally {
    instance.pending--;
  }
}

async function rawAttempt(ctx: CallContext, instance: Instance): Promise<UpstreamResponse> {
  const raw = ctx.request.raw!;
  const target = instance.basePath + ctx.request.path;
  const signer = ctx.service.signer;
  // The client's copy of the header, if it sent one, is replaced: only the gateway signs.
  const headers = signer ? { ...raw.headers, [signer.header]: await signer.sign(ctx.request.method, target, ctx.request.requestId, raw.headers) } : raw.headers;
  instance.pending++;
  try {
    const res = await instance.pool.request({
      method: ctx.request.method as Dispatcher.HttpMethod,
      path: target,
      headers,
      body: raw.body,
      signal: ctx.deadline,
    });
    return { status: res.statusCode, body: undefined, raw: { headers: res.headers, body: res.body } };
  } catch (err) {
    throw attemptFailure(ctx, err);
  } finally {
    instance.pending--;
  }
}
