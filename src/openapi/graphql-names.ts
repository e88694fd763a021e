// GraphQL names for what an OpenAPI document names freely ("user-profile", "get_user", "2fa"), and the
// literals of the SDL the import writes.

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export const isName = (s: string): boolean => NAME.test(s) && !s.startsWith('__');

const words = (s: string): string[] => s.split(/[^0-9A-Za-z]+/).filter(Boolean);
const upperFirst = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1);

/** "user-profile" → "UserProfile"; a name that is already one keeps its spelling past the first letter. */
export function typeName(raw: string): string {
  const name = words(raw).map(upperFirst).join('') || 'Type';
  return /^[0-9]/.test(name) ? `T${name}` : name;
}

/** "get_user" stays (a valid name); "get-user" → "getUser"; "2fa" → "_2fa". */
export function fieldName(raw: string): string {
  if (isName(raw)) return raw;
  const [first = 'field', ...rest] = words(raw);
  const name = first.charAt(0).toLowerCase() + first.slice(1) + rest.map(upperFirst).join('');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** `name`, or name2, name3… if taken; marks it taken. */
export function unique(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let i = 2; taken.has(candidate); i++) candidate = `${name}${i}`;
  taken.add(candidate);
  return candidate;
}

/** A GraphQL string or block string for a description. */
export function description(text: string | undefined, indent: string): string[] {
  const t = text?.trim();
  if (!t) return [];
  if (!t.includes('\n')) return [`${indent}${JSON.stringify(t)}`];
  return [`${indent}"""`, ...t.replaceAll('"""', '\\"""').split('\n').map((l) => `${indent}${l}`.trimEnd()), `${indent}"""`];
}

/** A JSON value as a GraphQL literal (object keys must be names), or undefined when it cannot be one. */
export function literal(value: unknown, enumValue = false): string | undefined {
  if (value === null) return 'null';
  if (typeof value === 'string') return enumValue && isName(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => literal(v, enumValue));
    return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, literal(v)] as const);
    return entries.every(([k, v]) => isName(k) && v !== undefined) ? `{ ${entries.map(([k, v]) => `${k}: ${v}`).join(', ')} }` : undefined;
  }
  return undefined;
}
