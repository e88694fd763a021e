// The value at a path of keys in parsed JSON (a REST answer, an error body, arguments): undefined once
// the path leaves objects and arrays. One walk for every reader of answers, so they agree on what a
// missing or non-object step means.
export function readPath(value: unknown, path: readonly string[]): unknown {
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
