// The batch functions behind entity loaders: keys → one call per chunk (split by the service's maximum
// batch size and URL length), the keys spelled as the service reads them (?ids=1,2 · ?id=1&id=2 ·
// ?ids[]=1&ids[]=2 · a POST body), answers matched to the keys by position or by their key field, in
// key order, null for a missing entity.
import type { BatchLoadFn } from 'dataloader';
import { gatewayGraphQLError } from '../errors.ts';
import { readPath } from '../read-path.ts';
import { restError, type ErrorRule } from './rest-error.ts';
import type { BatchKeys } from '../sdl/directives/rest-directives.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import { mapEach } from '../sdl/selection-map.ts';
import type { UpstreamResponse } from '../upstream/upstream-client.ts';

export type EntityRecord = Record<string, unknown>;
export type { EntityOwner } from '../sdl/entity-owner.ts';

/** A GET through the request's scope; `weight` is what the call counts against the operation's cost budget, `route` names it in traces. */
export type Get = (service: string, path: string, weight: number, route: string) => Promise<UpstreamResponse>;
/** A read sent as a POST (keys in the body): never deduplicated, never retried, and it clears nothing. */
export type PostRead = (service: string, path: string, body: unknown, weight: number) => Promise<UpstreamResponse>;

/** Keys made of unreserved characters only (most ids) go into a URL as they are. */
const UNRESERVED = /^[A-Za-z0-9._~-]*$/;
const encodeKey = (key: string): string => (UNRESERVED.test(key) ? key : encodeURIComponent(key));

/** The query string of a chunk of keys in `param`, spelled the service's way, and what each key adds to a URL. */
export function keyQuery(style: BatchKeys, param: string): { query: (keys: readonly string[]) => string; perKey: number } {
  const p = encodeURIComponent(param);
  const each = (name: string) => ({ query: (keys: readonly string[]) => keys.map((k) => `${name}=${encodeKey(k)}`).join('&'), perKey: name.length + 2 });
  if (style === 'REPEATED') return each(p);
  if (style === 'BRACKETED') return each(`${p}%5B%5D`);
  return { query: (keys) => `${p}=${keys.map(encodeKey).join(',')}`, perKey: 1 };
}

/** Splits keys so that no chunk has more than `maxSize` keys or makes a URL longer than `maxLength`. */
export function chunkKeys(keys: readonly string[], prefixLength: number, maxSize: number, maxLength: number, perKey = 1): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let length = prefixLength;
  for (const key of keys) {
    const add = (UNRESERVED.test(key) ? key.length : encodeURIComponent(key).length) + perKey;
    if (chunk.length > 0 && (chunk.length >= maxSize || length + add > maxLength)) {
      chunks.push(chunk);
      chunk = [];
      length = prefixLength;
    }
    chunk.push(key);
    length += add;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

function checkItem(owner: EntityOwner, key: string, item: unknown): EntityRecord | null | Error {
  if (item === null || item === undefined) return null;
  if (typeof item !== 'object' || String((item as EntityRecord)[owner.keyField]) !== key) {
    return gatewayGraphQLError('UPSTREAM_ERROR', `${owner.service} service answered a batch of ${owner.typeName} out of key order`, owner.service);
  }
  return item as EntityRecord;
}

export function entityBatchFn(owner: EntityOwner, get: Get, post?: PostRead): BatchLoadFn<string, EntityRecord | null> {
  const { load, service, keyField } = owner;
  if ('batchPath' in load) {
    const body = load.keys === 'BODY';
    const { query, perKey } = keyQuery(load.keys, load.batchParam);
    const prefix = `${load.batchPath}?`;
    const route = `${load.batchPath}?${load.batchParam}={keys}`;
    const loadChunk = async (chunk: string[]): Promise<Array<EntityRecord | null | Error>> => {
      const res = body && post ? await post(service, load.batchPath, { [load.batchParam]: chunk }, owner.weight) : await get(service, prefix + query(chunk), owner.weight, route);
      if (res.status < 200 || res.status > 299) throw restError(service, res.status, res.body, owner.errors);
      if (!Array.isArray(res.body) || (load.match === 'POSITION' && res.body.length !== chunk.length)) {
        throw gatewayGraphQLError('UPSTREAM_ERROR', `${service} service answered a batch of ${chunk.length} ${owner.typeName} ids with ${Array.isArray(res.body) ? 'a different count' : 'something else than a list'}`, service);
      }
      const map = owner.map;
      const items = map ? (res.body as unknown[]).map((item) => mapEach(item, map)) : (res.body as unknown[]);
      if (load.match === 'POSITION') return chunk.map((key, i) => checkItem(owner, key, items[i]));
      // By key: in any order, the missing ones left out, anything not asked for ignored.
      const byKey = new Map<string, EntityRecord>();
      for (const item of items) if (item !== null && typeof item === 'object') byKey.set(String((item as EntityRecord)[keyField]), item as EntityRecord);
      return chunk.map((key) => byKey.get(key) ?? null);
    };
    return async (keys) => {
      const chunks = chunkKeys(keys, prefix.length, owner.maxBatchSize, body ? Number.POSITIVE_INFINITY : owner.maxUrlLength, perKey);
      // A failed chunk fails only its own keys; DataLoader does not cache the Errors.
      const results = await Promise.all(chunks.map((c) => loadChunk(c).catch((err: Error) => c.map(() => err))));
      return results.flat();
    };
  }
  // No batch endpoint: one GET per distinct key, at most maxConcurrency at once; 404 is a missing entity.
  return (keys) =>
    mapConcurrently(keys, owner.maxConcurrency, async (key) => {
      const path = load.path({ key });
      if (path === undefined) return null;
      const res = await get(service, path, owner.weight, load.route).catch((err: Error) => err);
      if (res instanceof Error) return res;
      if (res.status === 404) return null;
      if (res.status < 200 || res.status > 299) return restError(service, res.status, res.body, owner.errors);
      return checkItem(owner, key, owner.map ? mapEach(res.body, owner.map) : res.body);
    });
}

/** Runs `fn` over `items` with at most `limit` in flight, results in the items' order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What a @batch field's calls share, fixed when the schema is built. */
export interface GroupedSpec {
  service: string;
  param: string;
  groupBy: string;
  select: readonly string[] | undefined;
  maxBatchSize: number;
  maxUrlLength: number;
  /** What each call counts against the operation's cost budget (@cost). */
  weight: number;
  /** How the keys are sent (not BODY: @batch batches GETs). */
  keys: BatchKeys;
  /** Where the service's error bodies hold their message, code and field. */
  errors: ErrorRule;
}

/** A @batch field's call: everything but the keys, which the batch function adds. */
export interface GroupedCall extends GroupedSpec {
  /** Path and the query without the key parameter: "/movies" or "/movies?limit=5". */
  base: string;
}

/** Keys → one GET per chunk with `param=k1,k2`; the list that comes back is split by `item[groupBy]`. */
export function groupedBatchFn(call: GroupedCall, get: Get): BatchLoadFn<string, unknown[]> {
  const prefix = `${call.base}${call.base.includes('?') ? '&' : '?'}`;
  const { query, perKey } = keyQuery(call.keys, call.param);
  const route = `${call.base.split('?')[0]}?${call.param}={keys}`;
  const loadChunk = async (chunk: string[]): Promise<unknown[][]> => {
    const res = await get(call.service, prefix + query(chunk), call.weight, route);
    if (res.status < 200 || res.status > 299) throw restError(call.service, res.status, res.body, call.errors);
    const items = readPath(res.body, call.select ?? []);
    if (!Array.isArray(items)) throw gatewayGraphQLError('UPSTREAM_ERROR', `${call.service} service answered a batched list with something else`, call.service);
    const groups = new Map<string, unknown[]>(chunk.map((k) => [k, []]));
    for (const item of items) {
      const key = item && typeof item === 'object' ? (item as Record<string, unknown>)[call.groupBy] : undefined;
      groups.get(String(key))?.push(item);
    }
    return chunk.map((k) => groups.get(k) as unknown[]);
  };
  return async (keys) => {
    const chunks = chunkKeys(keys, prefix.length, call.maxBatchSize, call.maxUrlLength, perKey);
    const results = await Promise.all(chunks.map((c) => loadChunk(c).catch((err: Error) => c.map(() => err))));
    return results.flat();
  };
}
