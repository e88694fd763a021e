// Label values that come from requests (operation names, error codes) are kept to a bounded set, so that
// no client can grow the metrics without end: the first `max` distinct well-formed values are kept as
// they are, and every later or malformed one is counted under "other".

/** A GraphQL name of at most 100 characters. */
export const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;
/** An error code: upper snake case, as the gateway's and GraphQL's are. */
export const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

export class BoundedLabels {
  readonly #seen = new Set<string>();
  readonly #max: number;
  readonly #pattern: RegExp;

  constructor(max: number, pattern: RegExp) {
    this.#max = max;
    this.#pattern = pattern;
  }

  /** `value` when it is well formed and among the first `max` seen, else "other"; `none` for no value. */
  label(value: unknown, none: string): string {
    if (value === null || value === undefined || value === '') return none;
    if (typeof value !== 'string') return 'other';
    if (this.#seen.has(value)) return value;
    if (!this.#pattern.test(value) || this.#seen.size >= this.#max) return 'other';
    this.#seen.add(value);
    return value;
  }
}
