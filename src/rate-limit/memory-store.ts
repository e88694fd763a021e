// The in-memory store (one gateway instance): a Map of logs in least-recently-used order, bounded by
// maxEntries, whose idle entries (every timestamp past its window) are swept out as it is used. A
// version per entry makes a write that raced another one fail as a StoreConflict.
import { READ, StoreConflict, storeKey, type LimitIdentity, type LimitStore, type ReadNote } from './limit-store.ts';

interface Entry {
  timestamps: readonly number[];
  /** The log as Redis holds it (JSON), when this store mirrors Redis. */
  raw?: string;
  version: number;
  /** When every timestamp has left its window: the entry is idle from then on. */
  expiresAt: number;
}

export interface MemoryStoreOptions {
  maxEntries: number;
  /** @default Date.now */
  now?: () => number;
}

export class MemoryStore implements LimitStore {
  readonly #entries = new Map<string, Entry>();
  readonly #max: number;
  readonly #now: () => number;
  #nextSweep = 0;
  /** Store-wide, so a log that was swept and made again never reuses a version a caller read. */
  #version = 0;

  constructor(options: MemoryStoreOptions) {
    this.#max = options.maxEntries;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  // Plain values, not promises: graphql-rate-limit awaits them either way.
  getForIdentity(identity: ReadNote<number>): readonly number[] {
    const entry = this.#entries.get(storeKey(identity));
    identity[READ] = entry?.version ?? 0;
    return entry?.timestamps ?? [];
  }

  setForIdentity(identity: ReadNote<number>, timestamps: readonly number[], windowMs = 0): void {
    const key = storeKey(identity);
    const entry = this.#entries.get(key);
    if ((entry?.version ?? 0) !== identity[READ]) throw new StoreConflict();
    this.write(key, timestamps, windowMs);
  }

  /** Stores a log as it is (also used to mirror what Redis holds); keeps the map bounded. */
  write(key: string, timestamps: readonly number[], windowMs: number, raw?: string): void {
    const version = ++this.#version;
    const now = this.#now();
    this.#entries.delete(key); // re-inserted last: the Map's order is least recently used first
    const newest = timestamps.at(-1) ?? now; // logs are in time order
    this.#entries.set(key, { timestamps, version, expiresAt: newest + windowMs, ...(raw !== undefined ? { raw } : {}) });
    if (now >= this.#nextSweep) this.sweep(now);
    // Only when over the bound: starting an iteration walks past every slot deleted since the Map last
    // compacted itself, which the delete-and-reinsert above leaves many of.
    if (this.#entries.size > this.#max) {
      for (const oldest of this.#entries.keys()) {
        this.#entries.delete(oldest);
        if (this.#entries.size <= this.#max) break;
      }
    }
  }

  /** The mirrored log of a key, with its JSON as Redis holds it. */
  mirrored(key: string): { timestamps: readonly number[]; raw: string } | undefined {
    const entry = this.#entries.get(key);
    return entry?.raw !== undefined ? { timestamps: entry.timestamps, raw: entry.raw } : undefined;
  }

  peek(identity: LimitIdentity): readonly number[] {
    return this.#entries.get(storeKey(identity))?.timestamps ?? [];
  }

  /** Drops idle entries. Runs at most once a second, as writes come. */
  sweep(now = this.#now()): void {
    this.#nextSweep = now + 1_000;
    for (const [key, entry] of this.#entries) if (entry.expiresAt <= now) this.#entries.delete(key);
  }

  async close(): Promise<void> {
    this.#entries.clear();
  }
}
