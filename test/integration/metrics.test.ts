// GET /metrics against the example services and fault-injecting upstreams: what the gateway counts must
// agree with what the clients sent and what the services received.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultUpstream, type FaultUpstream } from '../harness/fault-upstream.ts';
import { codesOf, gql } from '../harness/graphql-client.ts';
import { scrape, valueOf, type Sample } from '../harness/prometheus.ts';
import { resetStats, statsOf } from '../harness/service-stats.ts';
import { ROOT, startStack, type Stack } from '../harness/start-stack.ts';
import { repeatUntil } from '../harness/until.ts';

const QUERY = 'query UserWithMovies { user(id: "1") { name favoriteMovies { title director { name } } } }';

describe('/metrics on the main port', () => {
  let stack: Stack;
  let metricsUrl: string;
  beforeAll(async () => {
    stack = await startStack({ config: { metrics: { maxOperationNames: 3 } } });
    metricsUrl = `${stack.gatewayUrl}/metrics`;
  });
  afterAll(() => stack.close());

  it('counts a named operation, its latency, its cost and its REST calls, as the services counted them', async () => {
    await resetStats(stack.usersUrl, stack.moviesUrl);
    const before = await scrape(metricsUrl);
    for (let i = 0; i < 3; i++) expect((await gql(stack.gatewayUrl, QUERY)).body.errors).toBeUndefined();
    const after = await scrape(metricsUrl);
    const delta = (name: string, labels: Record<string, string> = {}) => valueOf(after, name, labels) - valueOf(before, name, labels);
    const op = { operation: 'UserWithMovies', type: 'query' };
    expect(delta('gateway_graphql_operations_total', { ...op, outcome: 'ok' })).toBe(3);
    expect(delta('gateway_graphql_operation_duration_seconds_count', op)).toBe(3);
    expect(delta('gateway_graphql_estimated_rest_calls_count')).toBe(3);
    const [users, movies] = [await statsOf(stack.usersUrl), await statsOf(stack.moviesUrl)];
    // The REST calls each operation made, and the calls per service, equal what the services received.
    expect(delta('gateway_graphql_rest_calls_sum')).toBe(users.total + movies.total);
    expect(delta('gateway_upstream_calls_total', { service: 'users', method: 'GET', status: '200', instance: stack.usersUrl })).toBe(users.total);
    expect(delta('gateway_upstream_calls_total', { service: 'movies', status: '200' })).toBe(movies.total);
    expect(delta('gateway_upstream_call_duration_seconds_count', { service: 'movies' })).toBe(movies.total);
    expect(delta('gateway_http_requests_total', { handler: 'graphql', method: 'POST', status: '200' })).toBe(3);
  });

  it('counts errors by code, for refused documents too', async () => {
    const before = await scrape(metricsUrl);
    const { body } = await gql(stack.gatewayUrl, 'query Broken { user(id: "1") { nope } }');
    expect(codesOf(body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const after = await scrape(metricsUrl);
    expect(valueOf(after, 'gateway_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' }) - valueOf(before, 'gateway_graphql_errors_total', { operation: 'Broken', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(valueOf(after, 'gateway_graphql_operations_total', { operation: 'Broken', type: 'query', outcome: 'error' })).toBe(1);
    expect(codesOf((await gql(stack.gatewayUrl, 'query {')).body)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(valueOf(await scrape(metricsUrl), 'gateway_graphql_operations_total', { operation: 'anonymous', type: 'unknown', outcome: 'error' })).toBe(1);
  });

  it('keeps operation names to a bounded set: past maxOperationNames they count as "other"', async () => {
    for (const name of ['N1', 'N2', 'N3', 'N4', 'N5']) await gql(stack.gatewayUrl, `query ${name} { __typename }`);
    const names = new Set((await scrape(metricsUrl)).filter((s) => s.name === 'gateway_graphql_operations_total').map((s) => s.labels.operation));
    names.delete('anonymous'); // no name is not a name
    // Three names kept in all (UserWithMovies and Broken by the tests above, then N1), the rest under "other".
    expect([...names].sort()).toEqual(['Broken', 'N1', 'UserWithMovies', 'other']);
    expect(names.has('other')).toBe(true);
    expect(names.has('N5')).toBe(false);
    const anonymous = await gql(stack.gatewayUrl, '{ __typename }');
    expect(anonymous.status).toBe(200);
    expect(valueOf(await scrape(metricsUrl), 'gateway_graphql_operations_total', { operation: 'anonymous' })).toBeGreaterThanOrEqual(1);
  });

  it('counts passthrough requests and their calls, and serves the process metrics', async () => {
    const before = await scrape(metricsUrl);
    expect((await fetch(`${stack.gatewayUrl}/movies/1`)).status).toBe(200);
    expect((await fetch(`${stack.gatewayUrl}/nowhere`)).status).toBe(404);
    const after = await scrape(metricsUrl);
    const delta = (name: string, labels: Record<string, string>) => valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('gateway_http_requests_total', { handler: 'passthrough', method: 'GET', status: '200' })).toBe(1);
    expect(delta('gateway_http_requests_total', { handler: 'not_found', status: '404' })).toBe(1);
    expect(delta('gateway_upstream_calls_total', { service: 'movies', method: 'GET', status: '200' })).toBe(1);
    for (const name of ['process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect(after.some((s: Sample) => s.name === name), name).toBe(true);
    }
    const res = await fetch(metricsUrl);
    expect(res.headers.get('content-type')).toContain('text/plain');
  });

  it('the Grafana dashboard in docs/ reads only metrics the gateway serves', async () => {
    const dashboard = JSON.parse(readFileSync(join(ROOT, 'docs/grafana-dashboard.json'), 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr);
    const used = new Set(exprs.flatMap((e) => e.match(/\b(?:gateway|process|nodejs)_[a-z0-9_]+/g) ?? []));
    // Declared names (a labelled counter with no event yet has no sample), histograms with their series.
    const text = await (await fetch(metricsUrl)).text();
    const served = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (type === 'histogram' ? ['_bucket', '_sum', '_count'].map((x) => name + x) : [name!])));
    expect(used.size).toBeGreaterThan(15);
    expect([...used].filter((name) => !served.has(name))).toEqual([]);
  });
});

describe('/metrics for failing services: retries, breakers, errors by code', () => {
  let fault: FaultUpstream;
  let stack: Stack;
  beforeAll(async () => {
    fault = await startFaultUpstream({ kind: 'status', status: 503, body: { error: { message: 'down' } } });
    stack = await startStack({
      moviesUrl: fault.url,
      serviceConfig: { movies: { retry: { retries: 2, baseDelay: '1ms', maxDelay: '2ms' }, breaker: { volumeThreshold: 3, errorThresholdPercentage: 50, window: '60s', buckets: 6, resetTimeout: '60s' } } },
    });
  });
  afterAll(async () => {
    await stack.close();
    await fault.close();
  });

  it('counts each retry, each failed call by status, the error codes of the answers, and the breaker opening', async () => {
    const breaker = stack.gateway.upstream.service('movies')!.instances[0]!.breaker;
    const opened = once(breaker, 'open');
    const { body } = await gql(stack.gatewayUrl, 'query Movie { movie(id: "1") { title } }');
    expect(codesOf(body)).toEqual(['UPSTREAM_ERROR']);
    await repeatUntil(() => breaker.opened, () => gql(stack.gatewayUrl, 'query Movie { movie(id: "1") { title } }'), 'the breaker opening', 10);
    await opened;
    const samples = await scrape(`${stack.gatewayUrl}/metrics`);
    const sent = fault.requests.length;
    expect(valueOf(samples, 'gateway_upstream_calls_total', { service: 'movies', status: '503' }) + valueOf(samples, 'gateway_upstream_retries_total', { service: 'movies' })).toBe(sent);
    expect(valueOf(samples, 'gateway_upstream_retries_total', { service: 'movies', instance: fault.url })).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'gateway_upstream_breaker_transitions_total', { service: 'movies', to: 'open' })).toBe(1);
    expect(valueOf(samples, 'gateway_upstream_breaker_state', { service: 'movies', instance: fault.url })).toBe(2);
    expect(valueOf(samples, 'gateway_upstream_breaker_state', { service: 'users' })).toBe(0);
    // Once open, calls fail fast: counted as "unavailable", with no request reaching the service.
    await gql(stack.gatewayUrl, 'query Movie { movie(id: "1") { title } }');
    const later = await scrape(`${stack.gatewayUrl}/metrics`);
    expect(fault.requests.length).toBe(sent);
    expect(valueOf(later, 'gateway_upstream_calls_total', { service: 'movies', status: 'unavailable' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(later, 'gateway_graphql_errors_total', { operation: 'Movie', code: 'UPSTREAM_ERROR' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(later, 'gateway_graphql_errors_total', { operation: 'Movie', code: 'SERVICE_UNAVAILABLE' })).toBeGreaterThanOrEqual(1);
  });
});

describe('/metrics with rate limits, an admin port, or metrics off', () => {
  it('counts rate-limit refusals by limit, and serves metrics on the admin port only when one is set', async () => {
    const stack = await startStack({ config: { metrics: { port: 0 }, rateLimit: { enabled: true, operation: { anonymous: { max: 1, window: '1m' } } } } });
    try {
      expect((await gql(stack.gatewayUrl, '{ __typename }')).status).toBe(200);
      expect((await gql(stack.gatewayUrl, '{ __typename }')).status).toBe(429);
      expect((await fetch(`${stack.gatewayUrl}/metrics`)).status).toBe(404);
      const admin = stack.gateway.adminUrl()!;
      expect(admin).not.toBe(stack.gatewayUrl);
      const samples = await scrape(`${admin}/metrics`);
      expect(valueOf(samples, 'gateway_rate_limit_refusals_total', { limit: 'graphql', reason: 'over_budget' })).toBe(1);
      expect(valueOf(samples, 'gateway_http_requests_total', { handler: 'graphql', status: '429' })).toBe(1);
      expect((await fetch(`${admin}/graphql`)).status).toBe(404);
    } finally {
      await stack.close();
    }
  });

  it('metrics.enabled: false serves no /metrics', async () => {
    const stack = await startStack({ config: { metrics: { enabled: false } } });
    try {
      expect(stack.gateway.metrics).toBeUndefined();
      const res = await fetch(`${stack.gatewayUrl}/metrics`);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('ROUTE_NOT_FOUND');
    } finally {
      await stack.close();
    }
  });
});
