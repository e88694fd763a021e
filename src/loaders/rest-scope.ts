// Everything one GraphQL request uses to reach the services: the request id, a GET dedupe cache, one
// DataLoader per entity type (made on first use) and, in dev mode, the list of REST calls made.
// A new scope per request: nothing here is shared across requests or users.
import DataLoader from 'dataloader';
import type { IdentityHeaders } from '../auth/identity-headers.ts';
import { failureToGraphQLError, UpstreamFailure } from '../upstream/errors.ts';
import type { CallRecord, HttpMethod, UpstreamClient, UpstreamResponse } from '../upstream/upstream-client.ts';
import { entityBatchFn, groupedBatchFn, type EntityOwner, type EntityRecord, type GroupedCall, type GroupedSpec } from './batch-load.ts';
import { RequestCache } from './request-cache.ts';

export class RestScope {
  readonly requestId: string;
  /** The calls made so far, when tracing (dev mode); undefined otherwise. */
  readonly calls: CallRecord[] | undefined;
  readonly #client: UpstreamClient;
  readonly #owners: ReadonlyMap<string, EntityOwner>;
  readonly #gets = new RequestCache<UpstreamResponse>();
  readonly #loaders = new Map<string, DataLoader<string, EntityRecord | null>>();
  readonly #grouped = new Map<string, DataLoader<string, unknown[]>>();
  readonly #onCall: ((record: CallRecord) => void) | undefined;
  /** The caller's identity headers per service (anonymous requests have none). */
  readonly #credentials: ((service: string) => IdentityHeaders | undefined) | undefined;
  readonly #credentialCache = new Map<string, IdentityHeaders | undefined>();
  readonly #get = (service: string, path: string): Promise<UpstreamResponse> =>
    this.#gets.get(`${service} ${path}`, () => this.#send(service, 'GET', path, undefined));

  constructor(client: UpstreamClient, owners: ReadonlyMap<string, EntityOwner>, requestId: string, trace: boolean, credentials?: (service: string) => IdentityHeaders | undefined) {
    this.#credentials = credentials;
    this.#client = client;
    this.#owners = owners;
    this.requestId = requestId;
    this.calls = trace ? [] : undefined;
    const calls = this.calls;
    this.#onCall = calls ? (record) => calls.push(record) : undefined;
  }

  /** One REST call; GETs are deduplicated within the request, and any write clears what was read. */
  call(service: string, method: HttpMethod, path: string, body?: unknown): Promise<UpstreamResponse> {
    if (method === 'GET') return this.#get(service, path);
    this.#gets.clear();
    for (const loader of this.#loaders.values()) loader.clearAll();
    for (const loader of this.#grouped.values()) loader.clearAll();
    return this.#send(service, method, path, body);
  }

  /** The per-request loader of an entity type, by key, through its owning service. */
  entity(typeName: string): DataLoader<string, EntityRecord | null> {
    let loader = this.#loaders.get(typeName);
    if (!loader) {
      const owner = this.#owners.get(typeName);
      if (!owner) throw new Error(`no owner for entity ${typeName}`); // the schema build rules this out
      loader = new DataLoader(entityBatchFn(owner, this.#get), { maxBatchSize: Number.MAX_SAFE_INTEGER });
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
      loader = new DataLoader(groupedBatchFn(call, this.#get), { maxBatchSize: Number.MAX_SAFE_INTEGER });
      this.#grouped.set(name, loader);
    }
    return loader;
  }

  #headersFor(service: string): IdentityHeaders | undefined {
    if (!this.#credentials) return undefined;
    if (!this.#credentialCache.has(service)) this.#credentialCache.set(service, this.#credentials(service));
    return this.#credentialCache.get(service);
  }

  async #send(service: string, method: HttpMethod, path: string, body: unknown): Promise<UpstreamResponse> {
    try {
      return await this.#client.call(service, { method, path, body, requestId: this.requestId, headers: this.#headersFor(service) }, this.#onCall);
    } catch (err) {
      if (err instanceof UpstreamFailure) throw failureToGraphQLError(err);
      throw err;
    }
  }
}
