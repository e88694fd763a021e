// The one way the gateway calls a service, from GraphQL resolvers and (later) the REST passthrough:
// the interceptor chain of compose.ts over each service's instances, the call's total deadline, the
// request id on every call, and one log line per call. Also reports instance state for /readyz.
import type { ServiceConfig } from '../config/config-schema.ts';
import type { Logger } from '../logger.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import type { Span } from '@opentelemetry/api';
import { endCallSpan } from '../tracing/spans.ts';
import type { Call, CallContext } from './call.ts';
import type { HttpMethod, UpstreamRequest, UpstreamResponse } from './messages.ts';
import { composeCall } from './compose.ts';
import { abortKind, failure, UpstreamFailure, upstreamFailure } from './errors.ts';
import type { BreakerState } from './instance.ts';
import type { CacheOutcome, CacheStats } from './response-cache.ts';
import { ServiceRuntime } from './service-runtime.ts';
import { readServiceTls, type ServiceTls } from './service-tls.ts';
import { identitySigner, type IdentitySigner } from './identity-signature.ts';

/** The headers that carry the caller's identity (auth.identityHeaders): what a signed assertion repeats. */
export interface IdentityHeaderNames {
  subject: string;
  scopes: string;
}


export type { HttpMethod, UpstreamRequest, UpstreamResponse } from './messages.ts';

/** One finished call, as logged and as shown in dev-mode responses. */
export interface CallRecord {
  service: string;
  method: HttpMethod;
  path: string;
  /** HTTP status, or 0 when no answer came. */
  status: number;
  /** Attempts made (1 unless retried; 0 when the answer came from the cache). */
  attempts: number;
  ms: number;
  /** How the service's response cache answered, when it has one. */
  cache?: CacheOutcome;
}

export interface InstanceReport {
  url: string;
  breaker: BreakerState;
  pending: number;
  /** Counts over the breaker's rolling window. */
  window: { calls: number; failures: number; rejected: number };
}

export interface ProbedInstance extends InstanceReport {
  reachable: boolean;
}

const PROBE_TIMEOUT_MS = 1_000;
const MAX_LOGGED_PATH = 512;
const PROBE_CACHE_MS = 1_000;

export class UpstreamClient {
  readonly #services = new Map<string, ServiceRuntime>();
  readonly #logger: Logger;
  readonly #metrics: GatewayMetrics | undefined;
  readonly #call: Call = composeCall();
  #probe: { at: number; result: Promise<Record<string, ProbedInstance[]>> } | undefined;

  /**
   * `previous`: the client this one replaces on a reload; the services whose configuration did not
   * change keep its instances (their pools, breakers and retry budgets) as they are.
   */
  constructor(services: Readonly<Record<string, ServiceConfig>>, logger: Logger, metrics: GatewayMetrics | undefined, previous: UpstreamClient | undefined, identityHeaders: IdentityHeaderNames) {
    this.#logger = logger;
    this.#metrics = metrics;
    for (const [name, config] of Object.entries(services)) {
      const tls = readServiceTls(name, config);
      const signer = identitySigner(name, config, identityHeaders);
      const kept = previous && previous.#unchanged(name, config, tls, signer);
      if (kept) {
        this.#services.set(name, kept);
        continue;
      }
      const runtime = new ServiceRuntime(name, config, tls, signer);
      this.#services.set(name, runtime);
      for (const instance of runtime.instances) {
        const at = { service: name, instance: instance.url };
        instance.breaker.on('open', () => {
          logger.warn('circuit opened', at);
          metrics?.breakerTransition(name, instance.url, 'open');
        });
        instance.breaker.on('halfOpen', () => {
          logger.info('circuit half open', at);
          metrics?.breakerTransition(name, instance.url, 'half_open');
        });
        instance.breaker.on('close', () => {
          logger.info('circuit closed', at);
          metrics?.breakerTransition(name, instance.url, 'closed');
        });
      }
    }
  }

  /** Calls `service`; resolves with any HTTP answer, rejects with UpstreamFailure when there is none. */
  call(serviceName: string, request: UpstreamRequest, onCall?: (record: CallRecord) => void): Promise<UpstreamResponse> {
    const service = this.#services.get(serviceName);
    if (!service) return Promise.reject(failure(serviceName, 'unreachable'));
    const cache = service.cache;
    if (!cache || request.method !== 'GET' || request.raw) return this.#callService(service, request, onCall);
    // Through the service's cache: a hit or a coalesced call is recorded as such, with no call of its own.
    let outcome: CacheOutcome = 'miss';
    const started = performance.now();
    return cache.fetch(
      request,
      (extra) => this.#callService(service, extra ? { ...request, headers: { ...request.headers, ...extra } } : request, onCall && ((r) => onCall({ ...r, cache: outcome }))),
      (o) => (outcome = o),
    ).then((res) => {
      this.#metrics?.cacheOutcome(serviceName, outcome);
      if (outcome === 'hit' || outcome === 'coalesced') onCall?.({ service: serviceName, method: 'GET', path: request.path, status: res.status, attempts: 0, ms: Math.round((performance.now() - started) * 100) / 100, cache: outcome });
      return res;
    });
  }

  async #callService(service: ServiceRuntime, request: UpstreamRequest, onCall?: (record: CallRecord) => void): Promise<UpstreamResponse> {
    const serviceName = service.name;
    // The deadline's timer is cleared as soon as the call ends: AbortSignal.timeout() would keep a timer
    // and a signal alive for the whole timeout after every call, which the garbage collector then pays for.
    const deadline = new AbortController();
    const onCallerAbort = (): void => deadline.abort();
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer = setTimeout(() => deadline.abort(), service.config.timeoutMs);
    };
    // A streamed upload is timed by the server's requestTimeout while it arrives; the service's time
    // starts once the body is in, so a large upload on a slow link is not cut by a timeout meant for the
    // service (as Envoy's route timeout does).
    const upload = request.raw?.body;
    if (upload && !upload.readableEnded) upload.once('end', arm);
    else arm();
    // A call ends when its caller does: a passthrough client that went away, a GraphQL operation whose
    // deadline passed or whose client went away. After a passthrough answer's headers the deadline no
    // longer runs (a large body may take longer), but this still ends the body's stream.
    const caller = request.signal;
    if (caller) {
      if (caller.aborted) {
        clearTimeout(timer);
        if (upload) upload.off('end', arm);
        throw failure(serviceName, abortKind(caller));
      }
      caller.addEventListener('abort', onCallerAbort, { once: true });
    }
    // Traced: the call's span under the request's (when sampled), and its traceparent to the service (over
    // any a passthrough client sent).
    let span: Span | undefined;
    let traceHeaders: Readonly<Record<string, string>> | undefined;
    const trace = request.trace;
    if (trace) {
      if (trace.sampled) span = trace.startCall(serviceName, request.method, request.route ?? request.path.split('?')[0]!);
      traceHeaders = trace.headersOf(span);
      if (request.raw) Object.assign(request.raw.headers, traceHeaders);
    }
    const ctx: CallContext = { service, request, traceHeaders, deadline: deadline.signal, attempt: 0 };
    const started = performance.now();
    let status = 0;
    let failed: UpstreamFailure | undefined;
    try {
      const res = await this.#call(ctx);
      status = res.status;
      return res;
    } catch (err) {
      throw (failed = upstreamFailure(serviceName, err));
    } finally {
      if (upload) upload.off('end', arm);
      // A JSON call is over here; a streamed answer still flows, and its caller's abort must end it.
      if (!request.raw) caller?.removeEventListener('abort', onCallerAbort);
      clearTimeout(timer);
      if (span) endCallSpan(span, ctx.instance?.url, status, failed?.kind, ctx.attempt + 1);
      this.#metrics?.upstreamCall(serviceName, ctx.instance?.url ?? 'none', request.method, status > 0 ? String(status) : (failed?.kind ?? 'unreachable'), (performance.now() - started) / 1000, ctx.attempt);
      const log = request.log ?? this.#logger;
      const logging = log.enabled('info');
      if (onCall || logging) {
        const record: CallRecord = {
          service: serviceName,
          method: request.method as HttpMethod,
          path: request.path,
          status,
          attempts: ctx.attempt + 1,
          ms: Math.round((performance.now() - started) * 100) / 100,
        };
        onCall?.(record);
        // A long target (a batch of a thousand ids, a GraphQL query sent as a GET) is cut in the log line.
        const logged = record.path.length > MAX_LOGGED_PATH ? { ...record, path: `${record.path.slice(0, MAX_LOGGED_PATH)}…` } : record;
        if (logging) log.info('upstream call', request.log ? { ...logged } : { requestId: request.requestId, ...logged });
      }
    }
  }

  /** The run-time state of a service (its instances and their breakers). */
  service(name: string): ServiceRuntime | undefined {
    return this.#services.get(name);
  }

  /** Every instance of every service with its breaker state, without touching the network. */
  report(): Record<string, InstanceReport[]> {
    const out: Record<string, InstanceReport[]> = {};
    for (const [name, service] of this.#services) {
      out[name] = service.instances.map((i) => {
        const stats = i.breaker.stats;
        return { url: i.url, breaker: i.state, pending: i.pending, window: { calls: stats.fires, failures: stats.failures, rejected: stats.rejects } };
      });
    }
    return out;
  }

  /** Hit, miss, revalidation and size counts of the services that have a response cache. */
  caches(): Record<string, CacheStats> {
    const out: Record<string, CacheStats> = {};
    for (const [name, service] of this.#services) if (service.cache) out[name] = { ...service.cache.stats };
    return out;
  }

  /** The report plus whether each instance answers its health path (any HTTP status); cached for a second. */
  probe(): Promise<Record<string, ProbedInstance[]>> {
    const now = Date.now();
    if (this.#probe && now - this.#probe.at < PROBE_CACHE_MS) return this.#probe.result;
    const report = this.report();
    const result = (async () => {
      const out: Record<string, ProbedInstance[]> = {};
      await Promise.all(
        [...this.#services].map(async ([name, service]) => {
          out[name] = await Promise.all(
            service.instances.map(async (instance, i) => {
              let reachable = false;
              try {
                const res = await instance.pool.request({
                  method: 'GET',
                  path: instance.basePath + service.config.healthPath,
                  signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
                });
                await res.body.dump();
                reachable = true;
              } catch {
                reachable = false;
              }
              return { ...(report[name]![i] as InstanceReport), reachable };
            }),
          );
        }),
      );
      return out;
    })();
    this.#probe = { at: now, result };
    return result;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#services.values()].flatMap((s) => s.instances.map((i) => i.close())));
  }

  /** This client's runtime of `name`, if `config` runs it the same way (its SDL file aside). */
  /** The running service, if nothing its pools were made with changed: the configuration (but its schema) and the TLS files' contents. */
  #unchanged(name: string, config: ServiceConfig, tls: ServiceTls | undefined, signer: IdentitySigner | undefined): ServiceRuntime | undefined {
    const runtime = this.#services.get(name);
    const { schema: _a, graphql: _c, ...before } = runtime?.config ?? ({} as ServiceConfig);
    const { schema: _b, graphql: _d, ...after } = config;
    const same = runtime && JSON.stringify(before) === JSON.stringify(after) && runtime.tls?.fingerprint === tls?.fingerprint && runtime.signer?.fingerprint === signer?.fingerprint;
    return same ? runtime : undefined;
  }

  /** After a reload: closes the instances `next` did not keep, once their calls in flight have ended. */
  async retire(next: UpstreamClient): Promise<void> {
    const kept = new Set(next.#services.values());
    await Promise.all([...this.#services.values()].filter((s) => !kept.has(s)).flatMap((s) => s.instances.map((i) => i.close())));
  }
}
