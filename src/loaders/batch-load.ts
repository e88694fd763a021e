// The batch functions behind entity loaders: keys → one GET per chunk (split by the service's maximum
// batch size and URL length), answers checked and returned in key order, null for a missing entity.
import type { BatchLoadFn } from 'dataloader';
import { gatewayGraphQLError } from '../errors.ts';
import { restError } from './rest-error.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import { mapEach } from '../sdl/selection-map.ts';
import type { UpstreamResponse } from '../upstream/upstream-client.ts';

export type EntityRecord = Record<string, unknown>;
export type { EntityOwner } from '../sdl/entity-owner.ts';

/** A GET through the request's scope; `weight` is what the call counts against the operation's cost budget. */
export type Get = (service: string, path: string, weight: number) => Promise<UpstreamResponse>;

/** Splits keys so that no chunk has more than `maxSize` keys or makes a URL longer than `maxLength`. */
export function chunkKeys(keys: readonly string[], prefixLength: number, maxSize: number, maxLength: number): string[][] {
  const chunks: string[][] = [];
  let chunk: string[] = [];
  let length = prefixLength;
  for (const key of keys) {
    const add = encodeURIComponent(key).length + 1;
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

export function entityBatchFn(owner: EntityOwner, get: Get): BatchLoadFn<string, EntityRecord | null> {
  const { load, service } = owner;
  if ('batchPath' in load) {
    const prefix = `${load.batchPath}?${encodeURIComponent(load.batchParam)}=`;
    const loadChunk = async (chunk: string[]): Promise<Array<EntityRecord | null | Error>> => {
      const res = await get(service, prefix + chunk.map(encodeURIComponent).join(','), owner.weight);
      if (res.status < 200 || res.status > 299) throw restError(service, res.status, res.body);
      if (!Array.isArray(res.body) || res.body.length !== chunk.length) {
        throw gatewayGraphQLError('UPSTREAM_ERROR', `${service} service answered a batch of ${chunk.length} ${owner.typeName} ids with a different count`, service);
      }
      const items = res.body as unknown[];
      return chunk.map((key, i) => checkItem(owner, key, owner.map ? mapEach(items[i], owner.map) : items[i]));
    };
    return async (keys) => {
      const chunks = chunkKeys(keys, prefix.length, owner.maxBatchSize, owner.maxUrlLength);
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
      const res = await get(service, path, owner.weight).catch((err: Error) => err);
      if (res instanceof Error) return res;
      if (res.status === 404) return null;
      if (res.status < 200 || res.status > 299) return restError(service, res.status, res.body);
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
}

/** A @batch field's call: everything but the keys, which the batch function adds. */
export interface GroupedCall extends GroupedSpec {
  /** Path and the query without the key parameter: "/movies" or "/movies?limit=5". */
  base: string;
}

/** Keys → one GET per chunk with `param=k1,k2`; the list that comes back is split by `item[groupBy]`. */
export function groupedBatchFn(call: GroupedCall, get: Get): BatchLoadFn<string, unknown[]> {
  const prefix = `${call.base}${call.base.includes('?') ? '&' : '?'}${encodeURIComponent(call.param)}=`;
  const loadChunk = async (chunk: string[]): Promise<unknown[][]> => {
    const res = await get(call.service, prefix + chunk.map(encodeURIComponent).join(','), call.weight);
    if (res.status < 200 || res.status > 299) throw restError(call.service, res.status, res.body);
    let items = res.body;
    for (const key of call.select ?? []) items = items && typeof items === 'object' ? (items as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(items)) throw gatewayGraphQLError('UPSTREAM_ERROR', `${call.service} service answered a batched list with something else`, call.service);
    const groups = new Map<string, unknown[]>(chunk.map((k) => [k, []]));
    for (const item of items) {
      const key = item && typeof item === 'object' ? (item as Record<string, unknown>)[call.groupBy] : undefined;
      groups.get(String(key))?.push(item);
    }
    return chunk.map((k) => groups.get(k) as unknown[]);
  };
  return async (keys) => {
    const chunks = chunkKeys(keys, prefix.length, call.maxBatchSize, call.maxUrlLength);
    const results = await Promise.all(chunks.map((c) => loadChunk(c).catch((err: Error) => c.map(() => err))));
    return results.flat();
  };
}
