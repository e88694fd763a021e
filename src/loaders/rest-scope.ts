// Everything one GraphQL request uses to reach the services: the request id, a GET dedupe cache, one
// DataLoader per entity type (made on first use), the operation's guards at run time (a cap on its REST
// calls, one deadline for all its levels, its client's disconnection) and, in dev mode, the list of
// REST calls made. A new scope per request: nothing here is shared across requests or users.
import DataLoader from 'dataloader';
import { gatewayGraphQLError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { RequestTrace } from '../tracing/spans.ts';
import { abortKind, failure, failureToGraphQLError, UpstreamFailure } from '../upstream/errors.ts';
import type { CallRecord, HttpMethod, UpstreamClient, UpstreamResponse } from '../upstream/upstream-client.ts';
import { entityBatchFn, groupedBatchFn, type EntityOwner, type EntityRecord, type GroupedCall, type GroupedSpec } from './batch-load.ts';
import { EntityBatcher } from './entity-batcher.ts';
import { endOfTick, LevelScheduler } from './level-scheduler.ts';
import { RequestCache } from './request-cache.ts';

export interface RestScopeOptions {
  requestId: string;
  /** The request's logger: its lines carry the request id. */
  log?: Logger | undefined;
  /** The request's trace, when tracing: each REST call's span goes under its span. */
  requestTrace?: RequestTrace | undefined;
  /** Keep the list of calls made (dev mode). */
  trace: boolean;
  /** The headers every call to a service carries: forwarded, configured, identity (policy/call-headers.ts). */
  headers?: ((service: string) => Readonly<Record<string, string>> | undefined) | undefined;
  /** Most REST calls (weighted by @cost) the operation may make; past it, calls fail with COST_LIMIT_EXCEEDED. */
  maxCalls: number;
  /**
   * Aborted (reason "deadline", else the client went away) when the operation's deadline passes or its
   * client goes away: no further call starts and the calls in flight end.
   */
  signal?: AbortSignal | undefined;
  /** Longest a batch waits for the rest of its level's answers (LevelScheduler); 0: DataLoader's end-of-tick rule. */
  batchWaitMs?: number;
}

export class RestScope {
  readonly requestId: string;
  readonly log: Logger | undefined;
  readonly requestTrace: RequestTrace | undefined;
  /** The calls made so far, when tracing (dev mode); undefined otherwise. */
  readonly calls: CallRecord[] | undefined;
  /** The weighted calls started so far (refused ones not counted). */
  spent = 0;
  readonly #client: UpstreamClient;
  readonly #owners: ReadonlyMap<string, EntityOwner>;
  readonly #gets = new RequestCache<UpstreamResponse>();
  readonly #batchers = new Map<string, EntityBatcher>();
  readonly #loaders = new Map<string, DataLoader<string, EntityRecord | null>>();
  readonly #grouped = new Map<string, DataLoader<string, unknown[]>>();
  readonly #onCall: ((record: CallRecord) => void) | undefined;
  readonly #serviceHeaders: ((service: string) => Readonly<Record<string, string>> | undefined) | undefined;
  readonly #headerCache = new Map<string, Readonly<Record<string, string>> | undefined>();
  readonly #maxCalls: number;
  readonly #signal: AbortSignal | undefined;
  readonly #levels: LevelScheduler | undefined;
  readonly #loaderOptions: { maxBatchSize: number; batchScheduleFn?: (callback: () => void) => void };
  readonly #perRequest = new Map<object, unknown>();
  readonly #get = (service: string, path: string, weight: number, route: string, headers?: Readonly<Record<string, string>>): Promise<UpstreamResponse> =>
    this.#gets.get(headers ? `${service} ${path} ${JSON.stringify(headers)}` : `${service} ${path}`, () => this.#send(service, 'GET', path, undefined, weight, route, headers));
  readonly #postRead = (service: string, path: string, body: unknown, weight: number): Promise<UpstreamResponse> => this.#send(service, 'POST', path, body, weight, path);

  constructor(client: UpstreamClient, owners: ReadonlyMap<string, EntityOwner>, options: RestScopeOptions) {
    this.#serviceHeaders = options.headers;
    this.#client = client;
    this.#owners = owners;
    this.#maxCalls = options.maxCalls;
    this.#signal = options.signal;
    this.#levels = options.batchWaitMs ? new LevelScheduler(options.batchWaitMs) : undefined;
    this.#loaderOptions = this.#levels ? { maxBatchSize: Number.MAX_SAFE_INTEGER, batchScheduleFn: this.#levels.schedule } : { maxBatchSize: Number.MAX_SAFE_INTEGER };
    this.requestId = options.requestId;
    this.log = options.log;
    this.requestTrace = options.requestTrace;
    this.calls = options.trace ? [] : undefined;
    const calls = this.calls;
    this.#onCall = calls ? (record) => calls.push(record) : undefined;
  }

  /** When a batch gathered now goes out: once its level's answers are in (or the end of the tick). */
  get schedule(): (dispatch: () => void) => void {
    return this.#levels?.schedule ?? endOfTick;
  }

  /** What `make` builds, once per request for each `key` (a GraphQL service's batching executor, say). */
  perRequest<T>(key: object, make: () => T): T {
    if (!this.#perRequest.has(key)) this.#perRequest.set(key, make());
    return this.#perRequest.get(key) as T;
  }

  /** A POST that only reads (a GraphQL query too long for a GET): it keeps what the request has read so far. */
  postRead(service: string, path: string, body: unknown, weight = 1): Promise<UpstreamResponse> {
    return this.#postRead(service, path, body, weight);
  }

  /** The client went away: nobody will read the answer, and no further call starts. */
  get cancelled(): boolean {
    return this.#signal?.aborted === true && abortKind(this.#signal) === 'cancelled';
  }

  /** One REST call; GETs are deduplicated within the request, and any write clears what was read. */
  call(service: string, method: HttpMethod, path: string, body?: unknown, weight = 1, headers?: Readonly<Record<string, string>>, route = path.split('?')[0]!): Promise<UpstreamResponse> {
    if (method === 'GET') return this.#get(service, path, weight, route, headers);
    this.#gets.clear();
    for (const batcher of this.#batchers.values()) batcher.clear();
    for (const loader of this.#loaders.values()) loader.clearAll();
    for (const loader of this.#grouped.values()) loader.clearAll();
    return this.#send(service, method, path, body, weight, route, headers);
  }

  /** The request's records of an entity type, by key, through its owning service: keys in, one promise out. */
  entities(typeName: string): EntityBatcher {
    let batcher = this.#batchers.get(typeName);
    if (!batcher) {
      const owner = this.#owners.get(typeName);
      if (!owner) throw new Error(`no owner for entity ${typeName}`); // the schema build rules this out
      batcher = new EntityBatcher(entityBatchFn(owner, this.#get, this.#postRead), this.#levels?.schedule ?? endOfTick);
      this.#batchers.set(typeName, batcher);
    }
    return batcher;
  }

  /** The per-request DataLoader of an entity type, for resolvers that load one key at a time (over `entities`). */
  entity(typeName: string): DataLoader<string, EntityRecord | null> {
    let loader = this.#loaders.get(typeName);
    if (!loader) {
      const batcher = this.entities(typeName);
      loader = new DataLoader((keys) => batcher.loadMany(keys, true), this.#loaderOptions);
      this.#loaders.set(typeName, loader);
    }
    return loader;
  }

  /** The per-request loader of a @batch field's call (one per service, path and other query parameters). */
  grouped(spec: GroupedSpec, base: string): DataLoader<string, unknown[]> {
    const name = `${spec.service} ${base} ${spec.param}`;
    let loader = this.#grouped.get(name);
    if (!loader) {
      const call: GroupedCall = { ...spec, base };
      loader = new DataLoader(groupedBatchFn(call, this.#get), this.#loaderOptions);
      this.#grouped.set(name, loader);
    }
    return loader;
  }

  #headersFor(service: string, own: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> | undefined {
    let base: Readonly<Record<string, string>> | undefined;
    if (this.#serviceHeaders) {
      if (!this.#headerCache.has(service)) this.#headerCache.set(service, this.#serviceHeaders(service));
      base = this.#headerCache.get(service);
    }
    // A field's own headers come after the service's: field templates cannot name the owned ones.
    return own ? { ...base, ...own } : base;
  }

  async #send(service: string, method: HttpMethod, path: string, body: unknown, weight: number, route: string, headers?: Readonly<Record<string, string>>): Promise<UpstreamResponse> {
    // Checked before the call starts: an operation past its deadline, or whose client is gone, or over
    // its call budget, sends nothing more.
    if (this.#signal?.aborted) throw failureToGraphQLError(failure(service, abortKind(this.#signal)));
    if (this.spent + weight > this.#maxCalls) {
      throw gatewayGraphQLError('COST_LIMIT_EXCEEDED', `the operation reached its limit of ${this.#maxCalls} REST calls; the rest of it was not fetched`, service);
    }
    this.spent += weight;
    this.#levels?.started();
    try {
      return await this.#client.call(service, { method, path, route, body, requestId: this.requestId, log: this.log, trace: this.requestTrace, headers: this.#headersFor(service, headers), signal: this.#signal }, this.#onCall);
    } catch (err) {
      if (err instanceof UpstreamFailure) throw failureToGraphQLError(err);
      throw err;
    } finally {
      this.#levels?.finished();
    }
  }
}
