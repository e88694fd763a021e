// When an operation's loaders send their batches: once no REST call of the operation is in flight (every
// answer that could still add keys to a batch is in), or once no answer has come for maxWaitMs while they
// wait (the calls still out are slow siblings, which must not hold the rest), whichever comes first. DataLoader's own rule, the end of the tick, splits a level whose answers arrive
// in different ticks into a call per answer: 20 users' reviews answering one by one made 20 movie
// batches. One scheduler per operation; it is DataLoader's batchScheduleFn.
/** DataLoader's default schedule: after the current tick's promise jobs, so that every key they ask for joins in. */
export const endOfTick = (dispatch: () => void): void => {
  void Promise.resolve().then(() => process.nextTick(dispatch));
};

export class LevelScheduler {
  readonly #maxWaitMs: number;
  #inFlight = 0;
  #waiting: Array<() => void> = [];
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(maxWaitMs: number) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** DataLoader's batchScheduleFn: a loader has a batch ready to send. */
  readonly schedule = (dispatch: () => void): void => {
    this.#waiting.push(dispatch);
    this.#checkAfterTick();
  };

  /** A REST call of the operation started. */
  started(): void {
    this.#inFlight++;
  }

  /** A REST call of the operation ended: its answer may be the last one a waiting batch needs. */
  finished(): void {
    this.#inFlight--;
    if (this.#waiting.length > 0) this.#checkAfterTick();
  }

  #checkAfterTick(): void {
    if (this.#checking) return;
    this.#checking = true;
    endOfTick(() => {
      this.#checking = false;
      this.#check();
    });
  }

  #check(): void {
    if (this.#waiting.length === 0) return;
    if (this.#inFlight === 0) return this.#flush();
    // Quiet time, not total time: each answer that comes in while batches wait starts the wait again.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#flush(), this.#maxWaitMs);
  }

  #flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const dispatch of waiting) dispatch();
  }
}
