// The spans of one request, passed along explicitly: a server span per GraphQL or passthrough request
// (continuing the caller's trace when its W3C traceparent is trusted), renamed by the GraphQL plugin to
// the operation, and a client span per REST call under it, whose traceparent the service receives.
import { defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { IncomingHttpHeaders } from 'node:http';

const propagator = new W3CTraceContextPropagator();

/** The traceparent (and tracestate) headers of a call made under `span`, as W3C Trace Context writes them. */
function traceHeaders(span: Span): Readonly<Record<string, string>> {
  const { traceId, spanId, traceFlags, traceState } = span.spanContext();
  const traceparent = `00-${traceId}-${spanId}-0${(traceFlags & TraceFlags.SAMPLED).toString(16)}`;
  const state = traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}

/**
 * One request's trace. Most requests are not sampled (the default samples a tenth of the traces): their
 * calls get no span of their own, since every configured sampler leaves a child of an unsampled span
 * unsampled too; they carry the request span's traceparent (flags 00), made once for all of them, so a
 * service still joins the trace id in its logs and makes no spans of its own for it.
 */
export class RequestTrace {
  readonly span: Span;
  /** Recorded and exported: its calls get spans, and the GraphQL plugin names and annotates it. */
  readonly sampled: boolean;
  readonly #tracer: Tracer;
  /** The request span as a parent, made at its first call's span. */
  #context: Context | undefined;
  /** An unsampled request's trace headers, shared by all its calls. */
  #headers: Readonly<Record<string, string>> | undefined;

  /** `trusted`: the caller's traceparent (and tracestate) are the request span's parent. */
  constructor(tracer: Tracer, headers: IncomingHttpHeaders, method: string, path: string, trusted: boolean) {
    const parent = trusted ? propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter) : ROOT_CONTEXT;
    this.#tracer = tracer;
    // Attributes once it is known to record: the SDK copies and checks those given to startSpan even for
    // a span it then drops.
    this.span = tracer.startSpan(`${method} ${path}`, { kind: SpanKind.SERVER }, parent);
    this.sampled = this.span.isRecording();
    if (this.sampled) this.span.setAttributes({ 'http.request.method': method, 'url.path': path });
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  /** A REST call's span under the request's, or undefined when the request is not sampled. */
  startCall(service: string, method: string, route: string): Span | undefined {
    if (!this.sampled) return undefined;
    this.#context ??= trace.setSpan(ROOT_CONTEXT, this.span);
    return this.#tracer.startSpan(`${method} ${route}`, { kind: SpanKind.CLIENT, attributes: { 'gateway.service': service, 'http.request.method': method, 'url.template': route } }, this.#context);
  }

  /** The trace headers a call sends: its own span's, or (unsampled) the request's. */
  headersOf(call: Span | undefined): Readonly<Record<string, string>> {
    return call ? traceHeaders(call) : (this.#headers ??= traceHeaders(this.span));
  }

  /** Ends the request's span with its answer's status (5xx, and 499 for a client gone, mark it an error). */
  end(status: number): void {
    if (this.sampled) {
      this.span.setAttribute('http.response.status_code', status);
      if (status >= 500 || status === 499) this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
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
