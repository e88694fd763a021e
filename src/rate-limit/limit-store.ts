// What the rate limiter's stores share. They implement graphql-rate-limit's Store (a sliding log of call
// timestamps per identity and field), made safe for concurrent calls: graphql-rate-limit reads the log,
// decides, then writes it back, so two calls could both read before either writes. Each store remembers
// what a call read on the identity object graphql-rate-limit makes for the call and passes to both get
// and set (a symbol property: a WeakMap of millions of short-lived keys cost more than the check
// itself), and refuses a write when the log changed in between (StoreConflict); the limiter then runs
// the call again.

/** graphql-rate-limit's identity: who (`contextIdentity`) and which limit (`fieldIdentity`). */
export interface LimitIdentity {
  readonly contextIdentity: string;
  readonly fieldIdentity: string;
}

export interface LimitStore {
  getForIdentity(identity: LimitIdentity): readonly number[] | Promise<readonly number[]>;
  setForIdentity(identity: LimitIdentity, timestamps: readonly number[], windowMs?: number): void | Promise<void>;
  /** The log as this instance last saw or wrote it, for the RateLimit-* headers; no I/O. */
  peek(identity: LimitIdentity): readonly number[];
  close(): Promise<void>;
}

/** The log changed between this call's read and its write: the call is decided again. */
export class StoreConflict extends Error {
  override readonly name = 'StoreConflict';
}

/** The store cannot be reached (Redis down or slow). */
export class StoreUnavailable extends Error {
  override readonly name = 'StoreUnavailable';
}

/** What this call read, noted on its identity object. */
export const READ = Symbol('rate-limit read');
export type ReadNote<T> = LimitIdentity & { [READ]?: T };

export const storeKey = (identity: LimitIdentity): string => `${identity.contextIdentity}\u0000${identity.fieldIdentity}`;
