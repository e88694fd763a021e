// RequestTrace over the SDK with an in-memory exporter: a sampled request gets a span per call under its
// own, each call's traceparent names its span; an unsampled one makes no call spans and gives every call
// the request span's traceparent, flagged unsampled; a caller's trace is continued only when trusted.
import { AlwaysOffSampler, AlwaysOnSampler, InMemorySpanExporter, ParentBasedSampler, SimpleSpanProcessor, TracerProvider, type Sampler } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { endCallSpan, RequestTrace } from '../../../src/tracing/spans.ts';

function tracerWith(sampler: Sampler) {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { tracer: provider.getTracer('test'), exporter };
}

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('RequestTrace', () => {
  it('sampled: a client span per call under the request span, each call sending its own span\'s traceparent', () => {
    const { tracer, exporter } = tracerWith(new AlwaysOnSampler());
    const trace = new RequestTrace(tracer, {}, 'POST', '/graphql', false);
    expect(trace.sampled).toBe(true);
    const calls = [trace.startCall('users', 'GET', '/users'), trace.startCall('movies', 'GET', '/movies?ids={keys}')];
    const headers = calls.map((call) => trace.headersOf(call).traceparent);
    calls.forEach((call, i) => endCallSpan(call!, 'http://127.0.0.1:1', i === 0 ? 200 : 503, undefined, 1));
    trace.end(200);
    const spans = exporter.getFinishedSpans();
    const server = spans.find((s) => s.name === 'POST /graphql')!;
    expect(server.attributes).toMatchObject({ 'http.request.method': 'POST', 'url.path': '/graphql', 'http.response.status_code': 200 });
    const children = spans.filter((s) => s.parentSpanContext?.spanId === server.spanContext().spanId);
    expect(children.map((s) => s.name).sort()).toEqual(['GET /movies?ids={keys}', 'GET /users']);
    expect(children.find((s) => s.name === 'GET /users')!.attributes).toMatchObject({ 'gateway.service': 'users', 'http.response.status_code': 200, 'gateway.attempts': 1 });
    expect(children.find((s) => s.name.startsWith('GET /movies'))!.status.code).toBe(2); // a 503 is an error
    expect(headers).toEqual(calls.map((call) => `00-${server.spanContext().traceId}-${call!.spanContext().spanId}-01`));
  });

  it('unsampled: no call spans, no attributes, one traceparent (the request span\'s, flags 00) for every call', () => {
    const { tracer, exporter } = tracerWith(new AlwaysOffSampler());
    const trace = new RequestTrace(tracer, {}, 'GET', '/movies/1', false);
    expect(trace.sampled).toBe(false);
    expect(trace.startCall('movies', 'GET', '/movies/*')).toBeUndefined();
    const first = trace.headersOf(undefined);
    expect(first.traceparent).toBe(`00-${trace.traceId}-${trace.span.spanContext().spanId}-00`);
    expect(trace.headersOf(undefined)).toBe(first); // made once per request
    trace.end(500);
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('a trusted caller\'s traceparent is the parent (and its sampled flag decides); an untrusted one starts a new trace', () => {
    const { tracer, exporter } = tracerWith(new ParentBasedSampler({ root: new AlwaysOffSampler() }));
    const continued = new RequestTrace(tracer, { traceparent: CALLER }, 'GET', '/users/1', true);
    expect(continued.sampled).toBe(true);
    expect(continued.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    continued.end(499);
    expect(exporter.getFinishedSpans()[0]).toMatchObject({ parentSpanContext: expect.objectContaining({ spanId: '00f067aa0ba902b7' }), status: { code: 2 } });
    const fresh = new RequestTrace(tracer, { traceparent: CALLER }, 'GET', '/users/1', false);
    expect(fresh.traceId).not.toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(fresh.sampled).toBe(false); // the root sampler (always off) decides a trace of its own
  });
});
