// One entity type's records within one request, by key: what every load of the type goes through, so that
// each key is fetched at most once per request whichever path asks. The compiled path asks for the keys
// of a whole level in one call and gets one promise for all of them; DataLoader, which the resolvers of
// the general executor use, fronts it with a promise per key (measured at a fifth of the gateway's
// throughput on the bench query, which is why the compiled path does not go through it).
// Keys asked for while a batch is being gathered join it; the batch goes out when the request's
// scheduler says (the level scheduler, or the end of the tick); a key whose batch is in flight waits for it.
import type { BatchLoadFn } from 'dataloader';
import type { EntityRecord } from './batch-load.ts';

export type EntityResult = EntityRecord | null | Error;

/** The keys of a batch not yet answered, and when it will be. */
class Batch {
  readonly keys: string[] = [];
  resolve!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolve = resolve));
}

/** DataLoader's default: after the current tick's promise jobs. */
export const endOfTick = (dispatch: () => void): void => {
  void Promise.resolve().then(() => process.nextTick(dispatch));
};

export class EntityBatcher {
  readonly #fetch: BatchLoadFn<string, EntityRecord | null>;
  readonly #schedule: (dispatch: () => void) => void;
  /** Each key's record, null or Error once answered; its Batch while it is gathered or in flight. */
  readonly #records = new Map<string, EntityResult | Batch>();
  #gathering: Batch | undefined;

  constructor(fetch: BatchLoadFn<string, EntityRecord | null>, schedule: (dispatch: () => void) => void = endOfTick) {
    this.#fetch = fetch;
    this.#schedule = schedule;
  }

  /**
   * The records of `keys`, in their order: null for a missing entity, an Error for a failed load.
   * `now`: send what is gathered at once (DataLoader calls with its own batch, already gathered).
   */
  async loadMany(keys: readonly string[], now = false): Promise<EntityResult[]> {
    const out = new Array<EntityResult>(keys.length);
    let waits: Set<Promise<void>> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      let record = this.#records.get(key);
      if (record === undefined) record = this.#gather(key);
      if (record instanceof Batch) (waits ??= new Set()).add(record.done);
      else out[i] = record;
    }
    if (now) this.#dispatch();
    if (!waits) return out;
    await (waits.size === 1 ? waits.values().next().value : Promise.all(waits));
    for (let i = 0; i < keys.length; i++) if (out[i] === undefined) out[i] = this.#records.get(keys[i]!) as EntityResult;
    return out;
  }

  /** After a write, later reads in the operation must see it (batches in flight still answer their waiters). */
  clear(): void {
    for (const [key, record] of this.#records) if (!(record instanceof Batch)) this.#records.delete(key);
  }

  #gather(key: string): Batch {
    let batch = this.#gathering;
    if (!batch) {
      batch = this.#gathering = new Batch();
      this.#schedule(() => this.#dispatch());
    }
    batch.keys.push(key);
    this.#records.set(key, batch);
    return batch;
  }

  #dispatch(): void {
    const batch = this.#gathering;
    if (!batch) return;
    this.#gathering = undefined;
    const { keys } = batch;
    const settle = (values: ArrayLike<EntityRecord | null | Error>): void => {
      for (let i = 0; i < keys.length; i++) this.#records.set(keys[i]!, values[i] ?? null);
      batch.resolve();
    };
    // The batch functions turn a failed call into an Error per key; anything else thrown is each key's error.
    Promise.resolve()
      .then(() => this.#fetch(keys))
      .then(settle, (err: unknown) => settle(keys.map(() => (err instanceof Error ? err : new Error(String(err))))));
  }
}
