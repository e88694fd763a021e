// The parts of a compiled operation and how its answer is built from them: each value shape carries its
// own completion function, made once when the operation is compiled (a non-null check, a list walk, a
// scalar passed through or serialized, an object built), so that building an answer is a chain of
// direct calls with no dispatch on kinds. An object is built field by field: a property is completed at
// once, a field with a source is left null and listed in `waiting` for run-operation.ts to fill.
import { specifiedScalarTypes, type FieldNode, type GraphQLField, type GraphQLLeafType } from 'graphql';
import type { RefResolution, ResolverContext } from '../resolvers/resolver-context.ts';

/** Thrown while building where only the general executor knows the exact answer. */
export const NEEDS_GENERAL_EXECUTOR = Symbol('needs the general executor');

export type Out = Record<string, unknown>;
type AnyResolver = (parent: unknown, args: Record<string, unknown>, context: unknown) => unknown;

/** What a guarded field checks (its access rule, its rate limit) before its value is fetched; throws to refuse. */
export type Guard = (args: Record<string, unknown>, context: ResolverContext) => void | Promise<void>;

/** How a field gets its value; a guarded one is resolved like a field with a source, after its guard. */
export type FieldSource =
  | { kind: 'typename'; name: string }
  | { kind: 'property'; guard?: Guard | undefined }
  | { kind: 'ref'; ref: RefResolution; guard?: Guard | undefined }
  | { kind: 'call'; resolve: AnyResolver; guard?: Guard | undefined };

/** The objects still waiting for one field's value, and the parents they were built from. */
export interface Waiting {
  outs: Out[];
  parents: unknown[];
}
export type WaitingFields = Map<CompiledField, Waiting>;

/** A value as graphql-js completes it for its type: leaves serialized, objects built, nulls checked. */
export type Completer = (value: unknown, waiting: WaitingFields) => unknown;

/** The built-in scalars, whose values pass through when already of their type. */
export type BuiltInScalar = 'String' | 'ID' | 'Int' | 'Float' | 'Boolean';

/** A field's type, wrappers outermost first, with the function that completes its values. */
export type ValueShape = { complete: Completer } & (
  | { kind: 'nonNull'; of: ValueShape }
  | { kind: 'list'; of: ValueShape }
  | { kind: 'leaf'; type: GraphQLLeafType; scalar: BuiltInScalar | undefined }
  | { kind: 'object'; set: CompiledSelection }
);

export interface CompiledField {
  /** The response key: the alias, else the field's name. */
  key: string;
  fieldName: string;
  source: FieldSource;
  shape: ValueShape;
  /** The arguments, when no variable is among them (else read per request from `node`). */
  args: Record<string, unknown> | undefined;
  field: GraphQLField<unknown, unknown>;
  node: FieldNode;
}

export interface CompiledSelection {
  /** In answer order (graphql-js's field collection: first occurrence of each response key). */
  fields: CompiledField[];
}

export function nonNullShape(of: ValueShape): ValueShape {
  const inner = of.complete;
  return {
    kind: 'nonNull',
    of,
    complete: (value, waiting) => {
      if (value === null || value === undefined) throw NEEDS_GENERAL_EXECUTOR;
      return inner(value, waiting);
    },
  };
}

export function listShape(of: ValueShape): ValueShape {
  const item = of.complete;
  return {
    kind: 'list',
    of,
    complete: (value, waiting) => {
      if (value === null || value === undefined) return null;
      if (!Array.isArray(value)) throw NEEDS_GENERAL_EXECUTOR;
      const items = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) items[i] = item(value[i], waiting);
      return items;
    },
  };
}

/** A built-in scalar's value already of its type is what its serialize would return, unchanged. */
const PASSES: Record<BuiltInScalar, (value: unknown) => boolean> = {
  String: (v) => typeof v === 'string',
  ID: (v) => typeof v === 'string',
  Int: (v) => typeof v === 'number' && Number.isInteger(v) && v <= 2147483647 && v >= -2147483648,
  Float: (v) => typeof v === 'number' && Number.isFinite(v),
  Boolean: (v) => typeof v === 'boolean',
};

export function leafShape(type: GraphQLLeafType): ValueShape {
  const builtIn = specifiedScalarTypes.find((t) => t === type);
  const scalar = builtIn ? (builtIn.name as BuiltInScalar) : undefined;
  const passes = scalar ? PASSES[scalar] : () => false;
  return {
    kind: 'leaf',
    type,
    scalar,
    complete: (value) => {
      if (value === null || value === undefined) return null;
      if (passes(value)) return value;
      const serialized = type.serialize(value); // throws where graphql-js reports an error
      if (serialized === undefined) throw NEEDS_GENERAL_EXECUTOR;
      return serialized;
    },
  };
}

export function objectShape(set: CompiledSelection): ValueShape {
  const builder = generateBuilder(set);
  return {
    kind: 'object',
    set,
    complete: (value, waiting) => {
      if (value === null || value === undefined) return null;
      if (typeof value !== 'object') throw NEEDS_GENERAL_EXECUTOR;
      return builder(value, waiting);
    },
  };
}

/** Lists an object that waits for `field`'s value, with the parent it was built from. */
function wait(waiting: WaitingFields, field: CompiledField, out: Out, parent: unknown): void {
  let w = waiting.get(field);
  if (!w) waiting.set(field, (w = { outs: [], parents: [] }));
  w.outs.push(out);
  w.parents.push(parent);
}

/** Builds the answer object of one selection for `parent`; fields with a source are left null and listed in `waiting`. */
export type Builder = (parent: unknown, waiting: WaitingFields) => Out;

/**
 * `build` for one selection, as generated code (once per selection): the answer object as one literal
 * with its keys in answer order, so that V8 gives every object of the selection one shape, and each field
 * read and completed by a statement of its own, in field order. Keys and field names are GraphQL names
 * ([_A-Za-z][_0-9A-Za-z]*: nothing in them can leave a string), written as JSON strings; the compiler
 * leaves out the one that would mean something else in a literal, "__proto__".
 */
export function generateBuilder(set: CompiledSelection): Builder {
  const fields = set.fields;
  const key = (f: CompiledField): string => JSON.stringify(f.key);
  const statements = fields.map((f, i) => {
    const source = f.source;
    if (source.kind === 'typename') return `out[${key(f)}] = ${JSON.stringify(source.name)};`;
    if (source.kind === 'property' && !source.guard) {
      return `v = parent[${JSON.stringify(f.fieldName)}]; if (typeof v === 'function') throw NEEDS; out[${key(f)}] = complete[${i}](v, waiting);`;
    }
    return `wait(waiting, fields[${i}], out, parent);`;
  });
  const body = `return function build(parent, waiting) {\n  const out = { ${fields.map((f) => `${key(f)}: null`).join(', ')} };\n  let v;\n  ${statements.join('\n  ')}\n  return out;\n};`;
  return new Function('fields', 'complete', 'wait', 'NEEDS', body)(fields, fields.map((f) => f.shape.complete), wait, NEEDS_GENERAL_EXECUTOR) as Builder;
}

export function readProperty(parent: unknown, name: string): unknown {
  const value = (parent as Record<string, unknown>)[name];
  if (typeof value === 'function') throw NEEDS_GENERAL_EXECUTOR; // graphql-js would call it
  return value;
}
