// Request-scoped dedupe of identical GET calls: the second resolver that needs "GET /movies?directorId=7"
// in one operation shares the first one's promise. Never shared across requests (so never across users).
export class RequestCache<V> {
  readonly #entries = new Map<string, Promise<V>>();

  get(key: string, load: () => Promise<V>): Promise<V> {
    let entry = this.#entries.get(key);
    if (!entry) {
      entry = load();
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** After a write, later reads in the same operation must see it. */
  clear(): void {
    this.#entries.clear();
  }
}
