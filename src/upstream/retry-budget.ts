// A retry budget (after tower's): retries may be at most `ratio` of the calls of the last `windowMs`,
// plus `minPerSecond`, so that retries cannot multiply the load on a failing service.
const BUCKETS = 10;

export class RetryBudget {
  readonly #ratio: number;
  readonly #reserve: number;
  readonly #bucketMs: number;
  readonly #calls = new Array<number>(BUCKETS).fill(0);
  readonly #retries = new Array<number>(BUCKETS).fill(0);
  #bucket = 0;
  #bucketStart = 0;
  readonly #now: () => number;

  constructor(ratio: number, minPerSecond: number, windowMs: number, now: () => number = Date.now) {
    this.#ratio = ratio;
    this.#reserve = (minPerSecond * windowMs) / 1000;
    this.#bucketMs = windowMs / BUCKETS;
    this.#now = now;
    this.#bucketStart = now();
  }

  #rotate(): void {
    const now = this.#now();
    const steps = Math.min(BUCKETS, Math.floor((now - this.#bucketStart) / this.#bucketMs));
    for (let i = 0; i < steps; i++) {
      this.#bucket = (this.#bucket + 1) % BUCKETS;
      this.#calls[this.#bucket] = 0;
      this.#retries[this.#bucket] = 0;
    }
    if (steps > 0) this.#bucketStart = now - ((now - this.#bucketStart) % this.#bucketMs);
  }

  /** Records a first attempt. */
  deposit(): void {
    this.#rotate();
    this.#calls[this.#bucket]!++;
  }

  /** Takes one retry from the budget; false when the budget is spent. */
  withdraw(): boolean {
    this.#rotate();
    let calls = 0;
    let retries = 0;
    for (let i = 0; i < BUCKETS; i++) {
      calls += this.#calls[i]!;
      retries += this.#retries[i]!;
    }
    if (retries + 1 > this.#reserve + calls * this.#ratio) return false;
    this.#retries[this.#bucket]!++;
    return true;
  }
}
