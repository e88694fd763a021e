// One entity type's records within one request, by key: what every load of the type goes through, so that
// each key is fetched at most once per request whichever path asks. The compiled path asks for the keys
// of a whole level in one call and gets one promise for all of them; DataLoader, which the resolvers of
// the general executor use, fronts it with a promise per key (measured at a fifth of the gateway's
// throughput on the bench query, which is why the compiled path does not go through it).
// Keys asked for while a batch is being gathered join it; the batch goes out when the request's
// scheduler says (the level scheduler, or the end of the tick); a key whose batch is in flight waits for it.
import type { BatchLoadFn } from 'dataloader';
import type { EntityRecord } from './batch-load.ts';
import { endOfTick } from './level-scheduler.ts';

export type EntityResult = EntityRecord | null | Error;

/** The keys of a batch not yet answered, each with its slot, and when it will be. */
class Batch {
  readonly keys: string[] = [];
  readonly slots: Slot[] = [];
  resolve!: () => void;
  readonly done = new Promise<void>((resolve) => (this.resolve = resolve));
}

/** One key's record: its value once answered, its batch until then (one Map entry per key, written once). */
interface Slot {
  value: EntityResult | undefined;
  batch: Batch | undefined;
}

export class EntityBatcher {
  readonly #fetch: BatchLoadFn<string, EntityRecord | null>;
  readonly #schedule: (dispatch: () => void) => void;
  /** Each key's slot: its record (null or Error included) once answered, its batch while gathered or in flight. */
  readonly #records = new Map<string, Slot>();
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
    let pending: Slot[] | undefined; // the slots still waiting, by the index of their key
    let waits: Set<Promise<void>> | undefined;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const slot = this.#records.get(key) ?? this.#gather(key);
      if (slot.batch === undefined) {
        out[i] = slot.value as EntityResult;
        continue;
      }
      (pending ??= new Array<Slot>(keys.length))[i] = slot;
      (waits ??= new Set()).add(slot.batch.done);
    }
    if (now) this.#dispatch();
    if (!waits) return out;
    await (waits.size === 1 ? waits.values().next().value : Promise.all(waits));
    for (let i = 0; i < keys.length; i++) {
      const slot = pending![i];
      if (slot) out[i] = slot.value as EntityResult;
    }
    return out;
  }

  /** After a write, later reads in the operation must see it (batches in flight still answer their waiters). */
  clear(): void {
    for (const [key, slot] of this.#records) if (slot.batch === undefined) this.#records.delete(key);
  }

  #gather(key: string): Slot {
    let batch = this.#gathering;
    if (!batch) {
      batch = this.#gathering = new Batch();
      this.#schedule(() => this.#dispatch());
    }
    const slot: Slot = { value: undefined, batch };
    batch.keys.push(key);
    batch.slots.push(slot);
    this.#records.set(key, slot);
    return slot;
  }

  #dispatch(): void {
    const batch = this.#gathering;
    if (!batch) return;
    this.#gathering = undefined;
    const { keys, slots } = batch;
    const settle = (values: ArrayLike<EntityRecord | null | Error>): void => {
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        slot.value = values[i] ?? null;
        slot.batch = undefined;
      }
      batch.resolve();
    };
    // The batch functions turn a failed call into an Error per key; anything else thrown is each key's error.
    Promise.resolve()
      .then(() => this.#fetch(keys))
      .then(settle, (err: unknown) => settle(keys.map(() => (err instanceof Error ? err : new Error(String(err))))));
  }
}
