// The spans of one request, passed along explicitly: a server span per GraphQL or passthrough request
// (continuing the caller's trace when its W3C traceparent is trusted), renamed by the GraphQL plugin to
// the operation, and a client span per REST call under it, whose traceparent the service receives.
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IncomingHttpHeaders } from 'node:http';

const propagator = new W3CTraceContextPropagator();

/** The server span of a request; `trusted`: the caller's traceparent (and tracestate) are its parent. */
export function startRequestSpan(tracer: Tracer, headers: IncomingHttpHeaders, method: string, path: string, trusted: boolean): Span {
  const parent = trusted ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
  return tracer.startSpan(`${method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
}

/** Ends a request's span with its answer's status (5xx, and 499 for a client gone, mark it an error). */
export function endRequestSpan(span: Span, status: number): void {
  span.setAttribute('http.response.status_code', status);
  if (status >= 500 || status === 499) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Each request span's context, made once for all its calls' spans. */
const contexts = new WeakMap<Span, Context>();

/** A REST call's span, under the request's. */
export function startCallSpan(tracer: Tracer, parent: Span, service: string, method: string, route: string): Span {
  let context = contexts.get(parent);
  if (!context) contexts.set(parent, (context = trace.setSpan(ROOT_CONTEXT, parent)));
  return tracer.startSpan(`${method} ${route}`, { kind: SpanKind.CLIENT, attributes: { 'gateway.service': service, 'http.request.method': method, 'url.template': route } }, context);
}

/** Ends a call's span: the status, or why there was none, and the attempts it took. */
export function endCallSpan(span: Span, instance: string | undefined, status: number, failure: string | undefined, attempts: number): void {
  if (instance) span.setAttribute('server.address', instance);
  if (status > 0) span.setAttribute('http.response.status_code', status);
  span.setAttribute('gateway.attempts', attempts);
  if (failure) span.setAttribute('error.type', failure);
  if (failure || status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** The traceparent (and tracestate) headers of a call made under `span`, as W3C Trace Context writes them. */
export function traceHeaders(span: Span): Record<string, string> {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const traceparent = `00-${traceId}-${spanId}-0${(traceFlags & 1).toString(16)}`;
  const state = traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}
