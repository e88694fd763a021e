// Compiles the templates written in @rest/@ref/@entity arguments ("/users/{args.id}", { limit:
// "{args.limit}" }) once, at start-up, into small functions that the resolvers call per request.

/** What a placeholder can read: the field's arguments, the parent object, an entity key, or the REST answer (@rest(value:)). */
export type TemplateRoot = 'args' | 'parent' | 'key' | 'response';
export interface TemplateScope {
  args?: Record<string, unknown>;
  parent?: Record<string, unknown>;
  key?: unknown;
  /** The answer: { status, headers (lower-case names), body }. */
  response?: { status: number; headers: Readonly<Record<string, unknown>>; body: unknown };
}
export interface Placeholder {
  root: TemplateRoot;
  /** Property path below the root: `{args.input.name}` → ["input", "name"]. */
  path: string[];
  /** The placeholder as written, for messages. */
  text: string;
}
export type Getter = (scope: TemplateScope) => unknown;

const PLACEHOLDER = /\{([^{}]*)\}/g;
// Header names have dashes: {response.headers.x-total-count}.
const REFERENCE = /^(args|parent|key|response)((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)$/;

export class TemplateError extends Error {}

function parsePlaceholder(inner: string, allowed: readonly TemplateRoot[]): Placeholder {
  const m = REFERENCE.exec(inner.trim());
  if (!m || !allowed.includes(m[1] as TemplateRoot)) {
    throw new TemplateError(`placeholder {${inner}} must read ${allowed.map((r) => (r === 'key' ? '{key}' : `{${r}.name}`)).join(' or ')}`);
  }
  const root = m[1] as TemplateRoot;
  const path = (m[2] ?? '').split('.').filter(Boolean);
  if (root !== 'key' && path.length === 0) throw new TemplateError(`placeholder {${inner}} must name a property, e.g. {${root}.id}`);
  if (root === 'response' && !['status', 'headers', 'body'].includes(path[0]!)) throw new TemplateError(`placeholder {${inner}} reads {response.status}, {response.headers.<name>} or {response.body.<path>}`);
  return { root, path, text: `{${inner}}` };
}

function getter(p: Placeholder): Getter {
  const [first, ...rest] = p.path;
  if (first === undefined) return (scope) => scope[p.root];
  if (rest.length === 0) return (scope) => (scope[p.root] as Record<string, unknown> | undefined)?.[first];
  return (scope) => {
    let value: unknown = scope[p.root];
    for (const key of p.path) {
      if (value === null || value === undefined) return undefined;
      value = (value as Record<string, unknown>)[key];
    }
    return value;
  };
}

/** Every placeholder in a template value (strings inside objects and lists too). */
export function placeholdersOf(value: unknown, allowed: readonly TemplateRoot[]): Placeholder[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => parsePlaceholder(m[1] as string, allowed));
  if (Array.isArray(value)) return value.flatMap((v) => placeholdersOf(v, allowed));
  if (value && typeof value === 'object') return Object.values(value).flatMap((v) => placeholdersOf(v, allowed));
  return [];
}

const isNil = (v: unknown): v is null | undefined => v === null || v === undefined;

function scalarText(value: unknown): string {
  if (Array.isArray(value)) return value.map(scalarText).join(',');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/**
 * A string template. Exactly one placeholder and nothing else keeps the value's type ("{args.input}"
 * yields the input object); otherwise the pieces are joined as text, each value passed through `encode`.
 * A placeholder that reads null or undefined makes the whole result undefined.
 */
export function compileString(template: string, allowed: readonly TemplateRoot[], encode: (s: string) => string = (s) => s): Getter {
  const holders = placeholdersOf(template, allowed);
  const whole = /^\{[^{}]*\}$/.test(template);
  if (whole && holders.length === 1) return getter(holders[0] as Placeholder);
  if (holders.length === 0) return () => template;
  const literals = template.split(PLACEHOLDER).filter((_, i) => i % 2 === 0);
  const getters = holders.map(getter);
  return (scope) => {
    let out = literals[0] as string;
    for (let i = 0; i < getters.length; i++) {
      const value = (getters[i] as Getter)(scope);
      if (isNil(value)) return undefined;
      out += encode(scalarText(value)) + (literals[i + 1] as string);
    }
    return out;
  };
}

/** Any template value: strings as above, objects and lists with each member compiled; other literals as they are. */
export function compileValue(template: unknown, allowed: readonly TemplateRoot[]): Getter {
  if (typeof template === 'string') return compileString(template, allowed);
  if (Array.isArray(template)) {
    const items = template.map((t) => compileValue(t, allowed));
    return (scope) => items.map((g) => g(scope));
  }
  if (template && typeof template === 'object') {
    const entries = Object.entries(template).map(([k, t]) => [k, compileValue(t, allowed)] as const);
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (const [k, g] of entries) {
        const v = g(scope);
        if (v !== undefined) out[k] = v;
      }
      return out;
    };
  }
  return () => template;
}

/** A URL path: each placeholder value is one encoded path segment; undefined when one is missing. */
export function compilePath(template: string, allowed: readonly TemplateRoot[]): (scope: TemplateScope) => string | undefined {
  if (!template.startsWith('/')) throw new TemplateError(`a path starts with "/", got "${template}"`);
  if (/[?#]/.test(template)) throw new TemplateError(`a path has no query or fragment (use the query argument), got "${template}"`);
  return compileString(template, allowed, encodeURIComponent) as (scope: TemplateScope) => string | undefined;
}

/**
 * A query string from an object template: `{ limit: "{args.limit}" }` → "?limit=20". Parameters whose
 * value is null or undefined are left out; lists are joined with commas.
 */
export function compileQuery(template: unknown, allowed: readonly TemplateRoot[]): (scope: TemplateScope) => string {
  if (template === null || typeof template !== 'object' || Array.isArray(template)) {
    throw new TemplateError('query is an object of parameter names to values, e.g. { limit: "{args.limit}" }');
  }
  const params = Object.entries(template).map(([name, t]) => [encodeURIComponent(name), compileValue(t, allowed)] as const);
  return (scope) => {
    let out = '';
    for (const [name, g] of params) {
      const value = g(scope);
      if (isNil(value)) continue;
      out += `${out ? '&' : '?'}${name}=${encodeURIComponent(scalarText(value))}`;
    }
    return out;
  };
}
