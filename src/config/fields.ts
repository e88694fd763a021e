// The building blocks of the config schema (zod): each leaf refuses a bad value with the gateway's own
// wording ("expected an integer from 0 to 65535, got "eighty""), and durations and sizes come out in
// milliseconds and bytes. A field's `meta` carries its description, the environment variable that sets
// it, and the unit of its default; the loader, the README table and the JSON Schema read them.
import { z } from 'zod';
import { DURATION_EXAMPLES, parseDuration, parseSize, SIZE_EXAMPLES } from './units.ts';

// A type, not an interface: zod's registry takes it as a record of values.
export type FieldMeta = {
  description: string;
  /** The environment variable that sets it (a list: comma-separated). */
  env?: string;
  /** How the default reads in the docs when the value alone does not say it. */
  shown?: string;
};

type Message = (input: unknown) => string;
const got = (input: unknown): string => JSON.stringify(input) ?? String(input);
const err = (message: Message) => ({ error: (iss: { input?: unknown }) => message(iss.input) });

export const int = (lo: number, hi: number) => {
  const e = err((v) => `expected an integer from ${lo} to ${hi}, got ${got(v)}`);
  return z.number(e).int(e).min(lo, e).max(hi, e);
};
export const num = (lo: number, hi: number) => {
  const e = err((v) => `expected a number from ${lo} to ${hi}, got ${got(v)}`);
  return z.number(e).min(lo, e).max(hi, e);
};
export const bool = () => z.boolean(err((v) => `expected true or false, got ${got(v)}`));
export const str = () => {
  const e = err((v) => `expected a non-empty string, got ${got(v)}`);
  return z.string(e).trim().min(1, e);
};
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, err((v) => `expected one of ${values.join(', ')}, got ${got(v)}`));
export const list = <T extends z.ZodType>(item: T, missing?: string) =>
  z.array(item, err((v) => (v === undefined && missing ? `missing: ${missing}` : `expected an array, got ${got(v)}`)));
/** A string or a list of strings, as a list. */
export const strings = () => z.union([str().transform((s) => [s]), list(str())], err((v) => `expected a string or a list of strings, got ${got(v)}`));

/** The unions `either` builds, for the JSON Schema (see scripts/config-docs.ts). */
export const ALTERNATIVES = new WeakMap<z.ZodType, z.ZodType>();

/** JSON Schema keywords for rules the code checks across keys (a superRefine), merged in by scripts/config-docs.ts. */
export const JSON_SCHEMA_RULES = new WeakMap<z.ZodType, Record<string, unknown>>();

/**
 * `a` when `isA(input)`, else `b`. zod reports a failed union of two objects with one branch's errors,
 * not always the one the input meant; choosing by the input's shape says what is wrong with it.
 */
export function either<A extends z.ZodType, B extends z.ZodType>(isA: (input: unknown) => boolean, a: A, b: B) {
  const picked = z.unknown().transform((input, ctx): z.output<A> | z.output<B> => {
    const result = (isA(input) ? a : b).safeParse(input);
    if (result.success) return result.data as z.output<A> | z.output<B>;
    for (const issue of result.error.issues) ctx.addIssue({ ...issue, code: 'custom', message: issue.message, path: issue.path } as never);
    return z.NEVER;
  });
  ALTERNATIVES.set(picked, z.union([a, b]));
  return picked;
}

/** An object that refuses keys it does not know, naming the ones it does. */
export function strict<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? `unknown key (known: ${known})` : `expected an object, got ${got(iss.input)}`),
  });
}

/** Milliseconds, from 500 or "500ms", "10s", "1m". */
export const duration = (min = 0) =>
  z.union([z.number(), z.string()], err((v) => `expected a duration such as ${DURATION_EXAMPLES}, got ${got(v)}`)).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined) ctx.addIssue({ code: 'custom', message: `expected a duration such as ${DURATION_EXAMPLES}, got ${got(v)}` });
    else if (ms < min) ctx.addIssue({ code: 'custom', message: `expected at least ${min}ms` });
    return ms as number;
  });

/** Bytes, from 1048576 or "1MiB", "512KiB". */
export const size = (lo: number, hi: number) =>
  z.union([z.number(), z.string()], err((v) => `expected a size such as ${SIZE_EXAMPLES}, got ${got(v)}`)).transform((v, ctx) => {
    const bytes = parseSize(v);
    if (bytes === undefined || bytes < lo || bytes > hi) ctx.addIssue({ code: 'custom', message: `expected a size from ${lo} to ${hi} bytes such as ${SIZE_EXAMPLES}, got ${got(v)}` });
    return bytes as number;
  });

/** A URL of one of `protocols`, without query, fragment or credentials, and without a trailing slash. */
export const url = (protocols: readonly string[], kind: string, example: string) =>
  str().transform((text, ctx) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `expected ${kind} URL such as ${example}, got ${got(text)}` });
      return z.NEVER;
    }
    if (!protocols.includes(parsed.protocol)) ctx.addIssue({ code: 'custom', message: `expected ${kind} URL, got ${got(text)}` });
    else if (parsed.search || parsed.hash || parsed.username || parsed.password) ctx.addIssue({ code: 'custom', message: `a URL here has no query, fragment or credentials, got ${got(text)}` });
    return parsed.href.replace(/\/+$/, '');
  });
export const httpUrl = () => url(['http:', 'https:'], 'an http(s)', '"http://localhost:3001"');

/** Renames duration keys to `<key>Ms` on the way out (timeout → timeoutMs), as the code reads them. */
export function inMs<T extends Record<string, unknown>, K extends keyof T & string>(keys: readonly K[]) {
  return (o: T) => {
    const out: Record<string, unknown> = { ...o };
    for (const k of keys) {
      out[`${k}Ms`] = out[k];
      delete out[k];
    }
    return out as Omit<T, K> & { [P in K as `${P}Ms`]: T[P] };
  };
}

/** What a schema node is once its wrappers (defaults, optional, transforms) are looked through. */
interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The node under a schema's wrappers, and the first meta found on the way. */
export function unwrap(schema: z.ZodType): { node: z.ZodType; meta: FieldMeta | undefined } {
  let node = schema;
  let meta = z.globalRegistry.get(node) as FieldMeta | undefined;
  for (let def = defOf(node); def.innerType || (def.type === 'pipe' && def.in); def = defOf(node)) {
    node = (def.innerType ?? def.in) as z.ZodType;
    meta ??= z.globalRegistry.get(node) as FieldMeta | undefined;
  }
  return { node, meta };
}

export interface Field {
  /** Config keys from the root; "<name>" for a record's entries (services.<name>.urls). */
  path: string[];
  meta: FieldMeta | undefined;
  /** The leaf's kind: "number", "boolean", "array", "object", "record", "string", "union", … */
  kind: string;
}

/** Every key of the schema, depth first, through objects and records. */
export function fieldsOf(schema: z.ZodType, path: string[] = []): Field[] {
  const { node } = unwrap(schema);
  const def = defOf(node);
  const children: Array<[string, z.ZodType]> = def.type === 'object' ? Object.entries(def.shape!) : def.type === 'record' ? [['<name>', def.valueType!]] : [];
  return children.flatMap(([key, child]) => {
    const { node: leaf, meta } = unwrap(child);
    return [{ path: [...path, key], meta, kind: defOf(leaf).type }, ...fieldsOf(child, [...path, key])];
  });
}
