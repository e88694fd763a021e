// The gateway's Prometheus metrics (prom-client), on a registry of its own: requests by handler,
// GraphQL operations by name (bounded) with their errors by code, latency and cost, REST calls per
// service and instance with their latency and retries, breaker states and transitions, rate-limit
// refusals, response-cache outcomes, and Node's process metrics. Each request records a handful of
// counters and histograms; what the upstream layer already keeps (breaker state, calls in flight) is
// read only when /metrics is scraped.
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './instruments.ts';
import { BoundedLabels, ERROR_CODE, GRAPHQL_NAME } from './bounded-labels.ts';

/** Seconds: from a fast cached answer to a call near the default timeouts. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** REST calls per operation. */
const CALL_BUCKETS = [0, 1, 2, 3, 5, 10, 20, 50, 100, 200];

/** What the upstream layer reports of an instance, read at scrape time. */
export interface InstanceState {
  url: string;
  breaker: 'closed' | 'open' | 'halfOpen';
  pending: number;
}
const BREAKER_VALUE = { closed: 0, halfOpen: 1, open: 2 } as const;

export interface MetricsOptions {
  /** Distinct operation names (and error codes) kept as labels; later ones count as "other". */
  maxOperationNames: number;
  /** Node's process metrics (CPU, memory, event loop lag, GC, handles). */
  processMetrics: boolean;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #operationNames: BoundedLabels;
  readonly #codes: BoundedLabels;
  #instances: () => Record<string, InstanceState[]> = () => ({});
  /** In a worker of several: the text of every worker's metrics summed (server/cluster.ts). */
  #ofAll: (() => Promise<string>) | undefined;

  readonly #http;
  readonly #httpSeconds;
  readonly #operations;
  readonly #operationSeconds;
  readonly #errors;
  readonly #estimatedCalls;
  readonly #restCalls;
  readonly #upstreamCalls;
  readonly #upstreamSeconds;
  readonly #retries;
  readonly #transitions;
  readonly #refusals;
  readonly #cache;

  constructor(options: MetricsOptions) {
    const registers = [this.registry];
    this.#operationNames = new BoundedLabels(options.maxOperationNames, GRAPHQL_NAME);
    this.#codes = new BoundedLabels(options.maxOperationNames, ERROR_CODE);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry });

    const counter = (name: string, help: string, labelNames: readonly string[]) => new FastCounter(this.registry, name, help, labelNames);
    const histogram = (name: string, help: string, labelNames: readonly string[], buckets: number[]) => new FastHistogram(this.registry, name, help, labelNames, buckets);

    this.#http = counter('gateway_http_requests_total', 'HTTP requests answered, by handler (graphql, passthrough, gateway, metrics, not_found), method and status.', ['handler', 'method', 'status']);
    this.#httpSeconds = histogram('gateway_http_request_duration_seconds', 'Time from a request\'s arrival to the end of its answer, by handler.', ['handler'], LATENCY_BUCKETS);
    this.#operations = counter('gateway_graphql_operations_total', 'GraphQL operations, by operation name (the first names seen; later ones as "other"), type and outcome (ok, or error when the answer holds errors).', ['operation', 'type', 'outcome']);
    this.#operationSeconds = histogram('gateway_graphql_operation_duration_seconds', 'Time to answer a GraphQL operation, by operation name and type.', ['operation', 'type'], LATENCY_BUCKETS);
    this.#errors = counter('gateway_graphql_errors_total', 'Errors in GraphQL answers, by operation name and extensions.code.', ['operation', 'code']);
    this.#estimatedCalls = histogram('gateway_graphql_estimated_rest_calls', 'The cost estimate of each operation in REST calls (worst case, before any call).', [], CALL_BUCKETS);
    this.#restCalls = histogram('gateway_graphql_rest_calls', 'REST calls each operation made (weighted by @cost).', [], CALL_BUCKETS);
    this.#upstreamCalls = counter('gateway_upstream_calls_total', 'Calls to services, by service, instance, method and status (the HTTP status, or why there was none: timeout, unreachable, unavailable, invalid, too_large, deadline, cancelled).', ['service', 'instance', 'method', 'status']);
    this.#upstreamSeconds = histogram('gateway_upstream_call_duration_seconds', 'Time of a call to a service, retries and backoff included, by service, instance and method.', ['service', 'instance', 'method'], LATENCY_BUCKETS);
    this.#retries = counter('gateway_upstream_retries_total', 'Retries of calls to services (attempts after the first), by service and instance.', ['service', 'instance']);
    this.#transitions = new Counter({ name: 'gateway_upstream_breaker_transitions_total', help: 'Circuit breaker transitions, by service, instance and the state entered.', labelNames: ['service', 'instance', 'to'], registers });
    const read = (): Array<[string, InstanceState]> => Object.entries(this.#instances()).flatMap(([service, list]) => list.map((i): [string, InstanceState] => [service, i]));
    new Gauge({
      name: 'gateway_upstream_breaker_state',
      help: 'Each instance\'s circuit breaker: 0 closed, 1 half open, 2 open.',
      labelNames: ['service', 'instance'],
      registers,
      collect() {
        for (const [service, i] of read()) this.set({ service, instance: i.url }, BREAKER_VALUE[i.breaker]);
      },
    });
    new Gauge({
      name: 'gateway_upstream_pending_calls',
      help: 'Calls in flight to each instance.',
      labelNames: ['service', 'instance'],
      registers,
      collect() {
        for (const [service, i] of read()) this.set({ service, instance: i.url }, i.pending);
      },
    });
    this.#refusals = counter('gateway_rate_limit_refusals_total', 'Requests and fields refused by a rate limit, by limit (graphql, route:<prefix>, field:<Type.field>) and reason (over_budget, store_down).', ['limit', 'reason']);
    this.#cache = counter('gateway_upstream_cache_total', 'Answers of the services\' response caches, by service and outcome (hit, miss, revalidated, coalesced, …).', ['service', 'outcome']);
  }

  /** Where the breaker and pending gauges read their values at scrape time. */
  readInstancesFrom(source: () => Record<string, InstanceState[]>): void {
    this.#instances = source;
  }

  httpRequest(handler: string, method: string, status: number, seconds: number): void {
    this.#http.inc([handler, method, String(status)]);
    this.#httpSeconds.observe([handler], seconds);
  }

  /** One GraphQL operation's answer: `codes` are its errors' extensions.code values (undefined for none). */
  operation(name: string | null | undefined, type: string, seconds: number, codes: readonly unknown[]): void {
    const operation = this.#operationNames.label(name, 'anonymous');
    this.#operations.inc([operation, type, codes.length > 0 ? 'error' : 'ok']);
    this.#operationSeconds.observe([operation, type], seconds);
    for (const code of codes) this.#errors.inc([operation, this.#codes.label(code, 'NONE')]);
  }

  operationCost(estimatedCalls: number): void {
    this.#estimatedCalls.observe([], estimatedCalls);
  }

  operationCalls(calls: number): void {
    this.#restCalls.observe([], calls);
  }

  upstreamCall(service: string, instance: string, method: string, status: string, seconds: number, retries: number): void {
    this.#upstreamCalls.inc([service, instance, method, status]);
    this.#upstreamSeconds.observe([service, instance, method], seconds);
    if (retries > 0) this.#retries.inc([service, instance], retries);
  }

  breakerTransition(service: string, instance: string, to: 'open' | 'half_open' | 'closed'): void {
    this.#transitions.inc({ service, instance, to });
  }

  rateLimitRefusal(limit: string, reason: 'over_budget' | 'store_down'): void {
    this.#refusals.inc([limit, reason]);
  }

  cacheOutcome(service: string, outcome: string): void {
    this.#cache.inc([service, outcome]);
  }

  /** Serves every worker's metrics summed, rather than this process's alone. */
  renderFrom(ofAll: () => Promise<string>): void {
    this.#ofAll = ofAll;
  }

  /** The exposition text and its content type, for GET /metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await (this.#ofAll ? this.#ofAll() : this.registry.metrics()) };
  }
}
