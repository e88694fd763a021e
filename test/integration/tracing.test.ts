// OpenTelemetry tracing against a real OTLP/HTTP receiver on port 0: a span per operation and per REST
// call, the caller's W3C traceparent continued (or not, as configured), the call's traceparent received
// by the service, trace ids in the log lines, and nothing at all when no endpoint is configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createMoviesService } from '../../subgraphs/movies/movies-service.ts';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { gql } from '../harness/graphql-client.ts';
import { closeServer, listen } from '../harness/listen.ts';
import { startOtlpReceiver, type ReceivedSpan } from '../harness/otlp-receiver.ts';
import { startStack, type Stack } from '../harness/start-stack.ts';
import { adminHeaders } from '../harness/test-tokens.ts';

const CLIENT_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CLIENT_TRACE}-${CLIENT_SPAN}-01`;
const QUERY = 'query UsersWithMovies { users(limit: 2) { name favoriteMovies { title } } }';
const SERVER = 2;
const CLIENT = 3;

describe('tracing', () => {
  const movies = createMoviesService();
  let moviesUrl: string;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  // The movies service behind a recorder, to see the headers each call carried.
  let recorder: FaultUpstream;

  beforeAll(async () => {
    moviesUrl = await listen(movies);
    otlp = await startOtlpReceiver();
    recorder = await startFaultUpstream({ kind: 'proxy', to: moviesUrl });
  });
  afterAll(async () => {
    await recorder.close();
    await otlp.close();
    await closeServer(movies);
  });

  /** A gateway exporting to the receiver; its spans are all in once it is closed (the exporter flushes). */
  const traced = (config: Record<string, unknown> = {}, logger?: ReturnType<typeof createLogger>): Promise<Stack> =>
    startStack({ moviesUrl: recorder.url, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SERVICE_NAME: 'gateway-under-test' }, config, ...(logger && { logger }) });
  const spansOf = (traceId: string): ReceivedSpan[] => otlp.spans.filter((s) => s.traceId === traceId);

  it('a GraphQL operation: its span continues the caller\'s trace, each REST call\'s span is its child, and each service gets its call\'s traceparent', async () => {
    recorder.requests.length = 0;
    const stack = await traced();
    const { body } = await gql(stack.gatewayUrl, QUERY, { headers: { traceparent: TRACEPARENT } });
    expect(body.errors).toBeUndefined();
    await stack.close();

    const spans = spansOf(CLIENT_TRACE);
    const operation = spans.find((s) => s.kind === SERVER)!;
    expect(operation).toMatchObject({ name: 'query UsersWithMovies', parentSpanId: CLIENT_SPAN, service: 'gateway-under-test' });
    expect(operation.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': 'UsersWithMovies', 'http.request.method': 'POST', 'http.response.status_code': 200 });
    const calls = spans.filter((s) => s.kind === CLIENT);
    expect(calls.map((s) => s.name).sort()).toEqual(['GET /movies?ids={keys}', 'GET /users']);
    for (const call of calls) {
      expect(call.parentSpanId).toBe(operation.spanId);
      expect(call.attributes).toMatchObject({ 'http.response.status_code': 200, 'gateway.attempts': 1 });
    }
    const moviesCall = calls.find((s) => s.attributes['gateway.service'] === 'movies')!;
    expect(moviesCall.attributes['server.address']).toBe(recorder.url);
    expect(recorder.requests.map((r) => r.headers.traceparent)).toEqual([`00-${CLIENT_TRACE}-${moviesCall.spanId}-01`]);
  });

  it('a mutation\'s call is named by its route template, not by the id it was sent with', async () => {
    const stack = await traced();
    const trace = 'e'.repeat(32);
    const { body } = await gql(stack.gatewayUrl, 'mutation Rename { updateMovie(id: "3", input: { title: "Renamed" }) { title } }', { headers: { traceparent: `00-${trace}-${'f'.repeat(16)}-01`, ...(await adminHeaders()) } });
    expect(body.errors).toBeUndefined();
    await stack.close();
    const spans = spansOf(trace);
    expect(spans.find((s) => s.kind === SERVER)!.name).toBe('mutation Rename');
    expect(spans.filter((s) => s.kind === CLIENT).map((s) => s.name)).toEqual(['PATCH /movies/{args.id}']);
  });

  it('acceptTraceparent "never": a client\'s traceparent starts no trace of ours; the service gets ours', async () => {
    recorder.requests.length = 0;
    const stack = await traced({ tracing: { acceptTraceparent: 'never', sampler: 'always_on' } });
    await gql(stack.gatewayUrl, QUERY, { headers: { traceparent: `00-${'a'.repeat(32)}-${'b'.repeat(16)}-01` } });
    await stack.close();
    expect(spansOf('a'.repeat(32))).toEqual([]);
    const sent = recorder.requests[0]!.headers.traceparent as string;
    const [, traceId, spanId] = sent.split('-');
    const own = spansOf(traceId!);
    expect(own.find((s) => s.kind === SERVER)!.parentSpanId).toBeUndefined();
    expect(own.find((s) => s.spanId === spanId)!.name).toBe('GET /movies?ids={keys}');
  });

  it('a passthrough request: a server span and a client span, and the client\'s traceparent replaced by the call\'s; log lines carry the trace id', async () => {
    recorder.requests.length = 0;
    const lines: Array<Record<string, unknown>> = [];
    const stack = await traced({}, createLogger({ level: 'info', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) }));
    const res = await fetch(`${stack.gatewayUrl}/movies/2`, { headers: { traceparent: TRACEPARENT } });
    expect(res.status).toBe(200);
    await stack.close();
    const spans = spansOf(CLIENT_TRACE).filter((s) => s.attributes['url.path'] === '/movies/2' || s.name === 'GET /movies/*');
    const server = spans.find((s) => s.kind === SERVER)!;
    const call = spans.find((s) => s.kind === CLIENT)!;
    expect(server).toMatchObject({ name: 'GET /movies/2', parentSpanId: CLIENT_SPAN });
    expect(call).toMatchObject({ name: 'GET /movies/*', parentSpanId: server.spanId });
    expect(recorder.requests.map((r) => r.headers.traceparent)).toEqual([`00-${CLIENT_TRACE}-${call.spanId}-01`]);
    expect(lines.filter((l) => l.message === 'request' || l.message === 'upstream call').map((l) => l.traceId)).toEqual([CLIENT_TRACE, CLIENT_TRACE]);
  });

  it('the default sampler follows a trusted caller\'s sampled flag, and keeps only its ratio of the traces it starts', async () => {
    recorder.requests.length = 0;
    const stack = await traced({ tracing: { samplerArg: 0 } }); // the default sampler, keeping none of its own
    const trace = '7'.repeat(32);
    await gql(stack.gatewayUrl, QUERY, { headers: { traceparent: `00-${trace}-${'8'.repeat(16)}-01` } });
    await gql(stack.gatewayUrl, QUERY);
    await stack.close();
    expect(spansOf(trace).length).toBeGreaterThan(0);
    // The trace it started itself is not sampled: not exported, but still propagated, flagged unsampled.
    const own = recorder.requests[1]!.headers.traceparent as string;
    expect(own).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    expect(spansOf(own.split('-')[1]!)).toEqual([]);
  });

  it('an unsampled request\'s calls all carry its own span\'s traceparent, flagged unsampled, and nothing is exported', async () => {
    recorder.requests.length = 0;
    const stack = await traced();
    const trace = '9'.repeat(32);
    const { body } = await gql(stack.gatewayUrl, '{ movie(id: "1") { title } movies(limit: 1) { title } }', { headers: { traceparent: `00-${trace}-${'6'.repeat(16)}-00` } });
    await stack.close();
    expect(body.errors).toBeUndefined();
    const sent = recorder.requests.map((r) => r.headers.traceparent as string);
    expect(sent).toHaveLength(2);
    // One parent for both (the request's span, not the caller's), in the caller's trace.
    expect(sent[0]).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-00$`));
    expect(sent[0]).not.toContain('6'.repeat(16));
    expect(sent[1]).toBe(sent[0]);
    expect(spansOf(trace)).toEqual([]);
  });

  it('a failed call marks its span and the operation\'s with an error', async () => {
    const down = await startFaultUpstream({ kind: 'status', status: 500, body: { error: { message: 'boom' } } });
    try {
      const stack = await startStack({ moviesUrl: down.url, env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url }, serviceConfig: { movies: { retry: { retries: 0 } } } });
      const trace = 'c'.repeat(32);
      await gql(stack.gatewayUrl, 'query Movie { movie(id: "1") { title } }', { headers: { traceparent: `00-${trace}-${'d'.repeat(16)}-01` } });
      await stack.close();
      const spans = spansOf(trace);
      expect(spans.find((s) => s.kind === CLIENT)).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'http.response.status_code': 500 }) });
      expect(spans.find((s) => s.kind === SERVER)).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'graphql.error.codes': ['UPSTREAM_ERROR'] }) });
    } finally {
      await down.close();
    }
  });

  it('without an endpoint (or with OTEL_SDK_DISABLED=true) nothing is traced and services get no traceparent of ours', async () => {
    for (const env of [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url, OTEL_SDK_DISABLED: 'true' }]) {
      recorder.requests.length = 0;
      const before = otlp.spans.length;
      const stack = await startStack({ moviesUrl: recorder.url, env });
      await gql(stack.gatewayUrl, QUERY);
      await stack.close();
      expect(otlp.spans.length).toBe(before);
      expect(recorder.requests[0]!.headers.traceparent).toBeUndefined();
    }
  });
});
