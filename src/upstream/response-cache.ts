// A shared HTTP cache for a service's JSON GET answers (opt-in: services.<name>.cache), by the rules of
// http-cache-semantics: Cache-Control (max-age, s-maxage, no-store, private: not stored, as in any shared
// cache), Vary, and revalidation with ETag / Last-Modified (a 304 refreshes the stored answer). Answers
// are keyed by path and every header the gateway sent, so an answer for one caller's identity is never
// served to another. Bounded in bytes, least recently used dropped first. With coalesce, identical GETs
// in flight at once, from any operations, share one call.
import CachePolicy from 'http-cache-semantics';
import type { UpstreamRequest, UpstreamResponse } from './messages.ts';

export interface CacheStats {
  hits: number;
  misses: number;
  revalidated: number;
  coalesced: number;
  stored: number;
  evicted: number;
  bytes: number;
  entries: number;
}

interface Entry {
  policy: CachePolicy;
  status: number;
  text: string;
}

/** Sends the call, with extra (conditional) headers when revalidating. */
export type Send = (extraHeaders?: Record<string, string>) => Promise<UpstreamResponse>;
export type CacheOutcome = 'hit' | 'revalidated' | 'coalesced' | 'miss';

const parsed = (status: number, text: string, headers: Record<string, unknown>): UpstreamResponse => ({ status, body: text === '' ? undefined : JSON.parse(text), headers, text });

export class ResponseCache {
  readonly #maxBytes: number;
  readonly #coalesce: boolean;
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<UpstreamResponse>>();
  readonly stats: CacheStats = { hits: 0, misses: 0, revalidated: 0, coalesced: 0, stored: 0, evicted: 0, bytes: 0, entries: 0 };

  constructor(maxBytes: number, coalesce: boolean) {
    this.#maxBytes = maxBytes;
    this.#coalesce = coalesce;
  }

  /** The answer to a GET, from the cache when it may be, else from `send`; `outcome` says which. */
  async fetch(request: UpstreamRequest, send: Send, outcome: (o: CacheOutcome) => void): Promise<UpstreamResponse> {
    const headers: Record<string, string> = { ...request.headers, accept: 'application/json' };
    const req = { method: 'GET', url: request.path, headers };
    const key = `${request.path}\n${JSON.stringify(Object.entries(headers).sort())}`;
    const entry = this.#entries.get(key);
    if (entry?.policy.satisfiesWithoutRevalidation(req)) {
      this.#touch(key, entry);
      this.stats.hits++;
      outcome('hit');
      return parsed(entry.status, entry.text, entry.policy.responseHeaders() as Record<string, unknown>);
    }
    const shared = this.#coalesce ? this.#inFlight.get(key) : undefined;
    if (shared) {
      this.stats.coalesced++;
      outcome('coalesced');
      const res = await shared;
      return res.text === undefined ? res : parsed(res.status, res.text, res.headers ?? {});
    }
    const call = this.#call(key, req, entry, send, outcome);
    if (this.#coalesce) {
      this.#inFlight.set(key, call);
      void call.then(() => this.#inFlight.delete(key), () => this.#inFlight.delete(key));
    }
    return call;
  }

  async #call(key: string, req: CachePolicy.Request, entry: Entry | undefined, send: Send, outcome: (o: CacheOutcome) => void): Promise<UpstreamResponse> {
    const conditional = entry ? (entry.policy.revalidationHeaders(req) as Record<string, string>) : undefined;
    const res = await send(conditional && { ...pick(conditional, ['if-none-match', 'if-modified-since']) });
    const headers = (res.headers ?? {}) as CachePolicy.Headers;
    if (entry && res.status === 304) {
      const { policy, modified } = entry.policy.revalidatedPolicy(req, { status: 304, headers });
      if (!modified) {
        this.#store(key, { ...entry, policy });
        this.stats.revalidated++;
        outcome('revalidated');
        return parsed(entry.status, entry.text, policy.responseHeaders() as Record<string, unknown>);
      }
    }
    this.stats.misses++;
    outcome('miss');
    if (res.status === 200 && res.text !== undefined) {
      const policy = new CachePolicy(req, { status: res.status, headers }, { shared: true });
      if (policy.storable()) this.#store(key, { policy, status: res.status, text: res.text });
      else this.#drop(key);
    }
    return res;
  }

  #store(key: string, entry: Entry): void {
    this.#drop(key);
    if (entry.text.length > this.#maxBytes) return;
    this.#entries.set(key, entry);
    this.stats.stored++;
    this.stats.bytes += entry.text.length;
    for (const [oldest, old] of this.#entries) {
      if (this.stats.bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.stats.bytes -= old.text.length;
      this.stats.evicted++;
    }
    this.stats.entries = this.#entries.size;
  }

  #drop(key: string): void {
    const old = this.#entries.get(key);
    if (!old) return;
    this.#entries.delete(key);
    this.stats.bytes -= old.text.length;
    this.stats.entries = this.#entries.size;
  }

  /** Most recently used last: Map keeps insertion order. */
  #touch(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }
}

function pick(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) out[name] = headers[name];
  return out;
}
