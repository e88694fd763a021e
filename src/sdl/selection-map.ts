// A selection mapping: how a REST answer's JSON becomes the fields of a GraphQL type, written as the
// fields it fills, each from where it is in the answer:
//   firstName: first_name            a renamed field
//   city: address.city               a field from a nested object (flattening)
//   location: { lat: latitude }      a nested object built from fields of this one (nesting)
//   tags: labels { name: label }     a nested object, or each item of a nested list, mapped in turn
//   id                               the field as it is (fields the mapping does not name pass through)
// Parsed and checked against the type at start-up; compiled into one function per mapping.
import { getNamedType, isObjectType, type GraphQLObjectType } from 'graphql';
import { readPath } from '../read-path.ts';

export interface MappingEntry {
  field: string;
  /** Dotted path in the answer; empty for a nested object built from the same answer. */
  from: string[];
  nested: MappingEntry[] | undefined;
}

export class MappingError extends Error {}

const TOKEN = /\s*(?:([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|([:{}])|(,)|(\S))/y;

export function parseMapping(text: string): MappingEntry[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m: RegExpExecArray | null; (m = TOKEN.exec(text)); ) {
    if (m[4] !== undefined) throw new MappingError(`unexpected "${m[4]}" in the mapping`);
    if (m[3] === undefined) tokens.push(m[1] ?? m[2]!);
  }
  let i = 0;
  const selection = (closing: boolean): MappingEntry[] => {
    const entries: MappingEntry[] = [];
    while (i < tokens.length && tokens[i] !== '}') {
      const field = tokens[i++]!;
      if (field.includes('.') || field === ':' || field === '{') throw new MappingError(`expected a field name, got "${field}"`);
      let from = [field];
      let nested: MappingEntry[] | undefined;
      if (tokens[i] === ':') {
        i++;
        from = tokens[i] === '{' ? [] : (tokens[i++] ?? '').split('.');
        if (from.some((part) => !/^[A-Za-z_]/.test(part))) throw new MappingError(`${field}: expected a path such as "address.city" or { … } after ":"`);
      }
      if (tokens[i] === '{') {
        i++;
        nested = selection(true);
      }
      if (entries.some((e) => e.field === field)) throw new MappingError(`${field} is mapped twice`);
      entries.push({ field, from, nested });
    }
    if (closing) {
      if (tokens[i] !== '}') throw new MappingError('a "{" is not closed');
      i++;
    }
    return entries;
  };
  const entries = selection(false);
  if (i < tokens.length) throw new MappingError('a "}" has no "{"');
  if (entries.length === 0) throw new MappingError('the mapping is empty');
  return entries;
}

/** Checks that every mapped field is a field of `type` (and nested ones of theirs). */
export function checkMapping(entries: readonly MappingEntry[], type: GraphQLObjectType): void {
  for (const entry of entries) {
    const field = type.getFields()[entry.field];
    if (!field) throw new MappingError(`${type.name} has no field "${entry.field}" (fields: ${Object.keys(type.getFields()).join(', ')})`);
    if (!entry.nested) continue;
    const inner = getNamedType(field.type);
    if (!isObjectType(inner)) throw new MappingError(`${type.name}.${entry.field} is a ${inner.name}, so it takes no { … } mapping`);
    checkMapping(entry.nested, inner);
  }
}

export type Mapper = (value: Record<string, unknown>) => Record<string, unknown>;

/** One function for a mapping: a new object with the answer's own keys, then the mapped fields. */
export function compileMapping(entries: readonly MappingEntry[]): Mapper {
  const steps = entries.map(({ field, from, nested }) => {
    const inner = nested && compileMapping(nested);
    return (source: Record<string, unknown>, out: Record<string, unknown>): void => {
      const value = from.length === 0 ? source : readPath(source, from);
      out[field] = inner ? mapEach(value, inner) : value;
    };
  });
  return (source) => {
    const out: Record<string, unknown> = { ...source };
    for (const step of steps) step(source, out);
    return out;
  };
}

/** Applies a mapper to an object, or to each object of a list; anything else stays as it is. */
export function mapEach(value: unknown, mapper: Mapper): unknown {
  if (Array.isArray(value)) return value.map((item) => mapEach(item, mapper));
  return value !== null && typeof value === 'object' ? mapper(value as Record<string, unknown>) : value;
}
