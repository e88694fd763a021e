// JSON Schemas → GraphQL types. A schema reached through a $ref becomes a named type (once, however
// often it is used, so $ref cycles are just types that refer to each other); an inline object is named
// after where it sits (User.address → UserAddress). Output and input types are kept apart (User,
// UserInput): readOnly properties are left out of inputs, writeOnly ones out of outputs. What has no
// GraphQL form (free-form objects, oneOf without a discriminator, property names that are not GraphQL
// names) is left out with a comment saying why, never guessed.
import { description, isName, literal, typeName, unique } from './graphql-names.ts';
import type { OpenApiDocument, SchemaObject } from './read-document.ts';

/** A mapped type reference ("[User!]", "ID"), or why there is none. */
export type Mapped = { type: string; nullable: boolean } | { why: string };

export const failed = (m: Mapped): m is { why: string } => 'why' in m;

interface Definition {
  keyword: 'type' | 'input' | 'enum' | 'union';
  name: string;
  description: string | undefined;
  /** After the name: "@entity(…)", "= A | B @discriminator(…)". */
  suffix: string;
  lines: string[];
  /** Property name → the field it became (to find an entity's key). */
  fields: Map<string, string>;
}

/** Reads "id", "movieId", "favoriteMovieIds", "user_id" as ids (ID, not String or Int). */
const idLike = (prop: string | undefined): boolean => prop !== undefined && (/^ids?$/i.test(prop) || /[a-z0-9](Id|Ids|_id|_ids)$/.test(prop));

const typesOf = (s: SchemaObject): string[] => (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []);
const isNullSchema = (s: SchemaObject): boolean => typesOf(s).length === 1 && typesOf(s)[0] === 'null';

export class SchemaTypes {
  private readonly defs = new Map<string, Definition>();
  /** "output:#/components/schemas/User" → its type name, once made (or being made). */
  private readonly made = new Map<string, string>();
  private readonly taken = new Set<string>(['Query', 'Mutation', 'Subscription', 'String', 'Int', 'Float', 'Boolean', 'ID']);

  private readonly doc: OpenApiDocument;

  constructor(doc: OpenApiDocument) {
    this.doc = doc;
  }

  /** Follows $refs; returns the schema, the name of the first $ref (a component's name) and its pointer. */
  private deref(s: SchemaObject): { schema: SchemaObject; refName?: string; ref?: string } {
    let schema = s;
    let ref: string | undefined;
    for (let hops = 0; schema?.$ref !== undefined && hops < 32; hops++) {
      ref ??= schema.$ref;
      schema = this.doc.resolve(schema.$ref) as SchemaObject;
    }
    const refName = ref ? decodeURIComponent(ref.split('/').pop()!.replaceAll('~1', '/').replaceAll('~0', '~')) : undefined;
    return { schema: schema ?? {}, ...(ref !== undefined && { ref, refName }) };
  }

  /** A schema's nullability apart: nullable: true, type: [T, "null"], oneOf/anyOf: [T, {type: null}], allOf: [T] beside nullable. */
  private unwrap(s: SchemaObject): { schema: SchemaObject; nullable: boolean } {
    let nullable = s.nullable === true || typesOf(s).includes('null');
    const options = s.oneOf ?? s.anyOf;
    if (options) {
      const real = options.filter((o) => !isNullSchema(this.deref(o).schema));
      if (real.length === 1 && real.length < options.length) return { schema: real[0]!, nullable: true };
    }
    if (s.allOf?.length === 1 && !s.properties) return { schema: s.allOf[0]!, nullable: nullable || this.unwrap(s.allOf[0]!).nullable };
    if (typesOf(s).length > 1) {
      const rest = typesOf(s).filter((t) => t !== 'null');
      if (rest.length === 1) return { schema: { ...s, type: rest[0]! }, nullable: true };
    }
    return { schema: s, nullable };
  }

  /** An allOf's parts as one object schema: properties and required lists together. */
  private flatten(s: SchemaObject, seen = new Set<SchemaObject>()): SchemaObject {
    if (!s.allOf || seen.has(s)) return s;
    seen.add(s);
    const merged: SchemaObject = { type: 'object', properties: { ...s.properties }, required: [...(s.required ?? [])], description: s.description };
    for (const part of s.allOf) {
      const p = this.flatten(this.deref(part).schema, seen);
      Object.assign(merged.properties!, p.properties);
      merged.required!.push(...(p.required ?? []));
      merged.description ??= p.description;
    }
    return merged;
  }

  /** The GraphQL type of `s` where responses carry it; `hint` names an inline object or enum, `prop` is the property it sits in. */
  output(s: SchemaObject, hint: string, prop?: string): Mapped {
    return this.map(s, hint, prop, 'output');
  }

  /** The GraphQL input type of `s` (arguments, request bodies). */
  input(s: SchemaObject, hint: string, prop?: string): Mapped {
    return this.map(s, hint, prop, 'input');
  }

  /** An output type's field spellings by property, and whether the type exists (for entities). */
  fieldsOf(name: string): ReadonlyMap<string, string> | undefined {
    return this.defs.get(name)?.fields;
  }

  /** Whether a mapped type reference ("[FilterInput!]") names an input object (which no query string carries). */
  isInputObject(type: string): boolean {
    return this.defs.get(type.replace(/[[\]!]/g, ''))?.keyword === 'input';
  }

  /** Puts a directive on an object type (an @entity). */
  annotate(name: string, directive: string): void {
    const def = this.defs.get(name);
    if (def) def.suffix = `${def.suffix} ${directive}`.trim();
  }

  private map(raw: SchemaObject, hint: string, prop: string | undefined, mode: 'output' | 'input'): Mapped {
    const { schema: first, nullable: outerNull } = this.unwrap(raw ?? {});
    const { schema: derefed, refName, ref } = this.deref(first);
    const { schema: unwrapped, nullable: innerNull } = this.unwrap(derefed);
    const nullable = outerNull || innerNull;
    // A $ref inside the unwrapped schema (nullable allOf: [$ref]) names the type too.
    const inner = unwrapped !== derefed ? this.deref(unwrapped) : { schema: unwrapped, refName, ref };
    const schema = this.flatten(inner.schema);
    const name = inner.refName ?? refName;
    const pointer = inner.ref ?? ref;
    const result = (type: string): Mapped => ({ type, nullable });

    if (schema.oneOf || schema.anyOf) {
      if (mode === 'input') return { why: 'oneOf/anyOf has no GraphQL input form' };
      return this.union(schema, name ?? hint, pointer);
    }
    const types = typesOf(schema).filter((t) => t !== 'null');
    const type = types.length > 1 ? undefined : (types[0] ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined));
    if (types.length > 1) return { why: `a value of several types (${types.join(', ')})` };
    switch (type) {
      case 'string':
        if (schema.enum) return this.enumType(schema, name ?? hint, pointer, nullable);
        return result(idLike(prop) ? 'ID' : 'String');
      case 'integer':
        if (idLike(prop)) return result('ID');
        if (schema.enum) return { why: 'an integer enum has no GraphQL form (enum values are names)' };
        // GraphQL's Int is 32 bits: a 64-bit integer is a Float (exact up to 2^53).
        return result(schema.format === 'int64' ? 'Float' : 'Int');
      case 'number':
        return result('Float');
      case 'boolean':
        return result('Boolean');
      case 'array': {
        if (!schema.items) return { why: 'a list of unspecified items' };
        const item = this.map(schema.items, `${hint}Item`, prop, mode);
        if (failed(item)) return { why: `its items: ${item.why}` };
        return result(`[${item.type}${item.nullable ? '' : '!'}]`);
      }
      case 'object':
        if (!schema.properties || Object.keys(schema.properties).length === 0) return { why: 'a free-form object (no properties to make fields of)' };
        return this.objectType(schema, name ?? hint, pointer, mode, nullable);
      default:
        return { why: 'a schema with no type' };
    }
  }

  private objectType(schema: SchemaObject, base: string, pointer: string | undefined, mode: 'output' | 'input', nullable: boolean): Mapped {
    const key = pointer ? `${mode}:${pointer}` : undefined;
    const known = key ? this.made.get(key) : undefined;
    if (known) return { type: known, nullable };
    const wanted = typeName(base);
    const name = unique(mode === 'input' && !wanted.endsWith('Input') ? `${wanted}Input` : wanted, this.taken);
    if (key) this.made.set(key, name); // before the fields, so a cycle finds the name
    const def: Definition = { keyword: mode === 'input' ? 'input' : 'type', name, description: schema.description, suffix: '', lines: [], fields: new Map() };
    this.defs.set(name, def);
    const required = new Set(schema.required ?? []);
    for (const [prop, raw] of Object.entries(schema.properties ?? {})) {
      const propSchema = this.deref(raw).schema;
      if (mode === 'input' && (raw.readOnly || propSchema.readOnly)) continue;
      if (mode === 'output' && (raw.writeOnly || propSchema.writeOnly)) continue;
      if (!isName(prop)) {
        def.lines.push(`  # left out "${prop}": not a GraphQL name${mode === 'output' ? ' (add a field and map it with @map)' : ''}`);
        continue;
      }
      const field = this.map(raw, `${name.replace(/Input$/, '')}${typeName(prop)}`, prop, mode);
      if (failed(field)) {
        def.lines.push(`  # left out "${prop}": ${field.why}`);
        continue;
      }
      def.lines.push(...description(raw.description ?? propSchema.description, '  '));
      const nonNull = required.has(prop) && !field.nullable;
      const defaultValue = mode === 'input' && raw.default !== undefined ? literal(raw.default, field.type !== 'String' && field.type !== 'ID') : undefined;
      def.lines.push(`  ${prop}: ${field.type}${nonNull ? '!' : ''}${defaultValue !== undefined ? ` = ${defaultValue}` : ''}`);
      def.fields.set(prop, prop);
    }
    if (def.fields.size === 0) {
      this.defs.delete(name);
      if (key) this.made.delete(key);
      return { why: `${base}: none of its properties could be mapped` };
    }
    return { type: name, nullable };
  }

  private enumType(schema: SchemaObject, base: string, pointer: string | undefined, nullable: boolean): Mapped {
    const values = (schema.enum ?? []).filter((v) => v !== null);
    if (!values.every((v) => typeof v === 'string' && isName(v) && !['true', 'false', 'null'].includes(v))) return { type: 'String', nullable };
    const key = pointer ? `enum:${pointer}` : `enum:${values.join('|')}`;
    const known = this.made.get(key);
    if (known) return { type: known, nullable };
    const name = unique(typeName(base), this.taken);
    this.made.set(key, name);
    this.defs.set(name, { keyword: 'enum', name, description: schema.description, suffix: '', lines: values.map((v) => `  ${v as string}`), fields: new Map() });
    return { type: name, nullable };
  }

  /** oneOf/anyOf of object types with a discriminator → a union the gateway can tell apart (@discriminator). */
  private union(schema: SchemaObject, base: string, pointer: string | undefined): Mapped {
    const options = (schema.oneOf ?? schema.anyOf)!;
    const kind = schema.oneOf ? 'oneOf' : 'anyOf';
    const disc = schema.discriminator;
    if (!disc) return { why: `${kind} without a discriminator: the gateway could not tell which member an answer is (write a union with @discriminator by hand)` };
    const key = pointer ? `union:${pointer}` : undefined;
    const known = key ? this.made.get(key) : undefined;
    if (known) return { type: known, nullable: false };
    const members: string[] = [];
    const byPointer = new Map<string, string>();
    for (const option of options) {
      const ref = option.$ref;
      const m = this.output(option, `${base}Member`);
      if (failed(m) || !this.defs.has(m.type) || this.defs.get(m.type)!.keyword !== 'type') return { why: `${kind}: a member that is not an object type${failed(m) ? ` (${m.why})` : ''}` };
      members.push(m.type);
      if (ref) byPointer.set(ref, m.type);
    }
    let values = '';
    if (disc.mapping) {
      const pairs = Object.entries(disc.mapping).map(([value, ref]) => [value, byPointer.get(ref) ?? typeName(ref.split('/').pop()!)] as const);
      const text = literal(Object.fromEntries(pairs));
      if (text === undefined) return { why: `${kind}: discriminator values that are not GraphQL names (${Object.keys(disc.mapping).join(', ')})` };
      values = `, values: ${text}`;
    }
    const name = unique(typeName(base), this.taken);
    if (key) this.made.set(key, name);
    this.defs.set(name, { keyword: 'union', name, description: schema.description, suffix: `@discriminator(field: ${JSON.stringify(disc.propertyName)}${values}) = ${members.join(' | ')}`, lines: [], fields: new Map() });
    return { type: name, nullable: false };
  }

  /** Every definition made, as SDL. */
  sdl(): string[] {
    const order = { type: 0, union: 1, input: 2, enum: 3 };
    return [...this.defs.values()]
      .sort((a, b) => order[a.keyword] - order[b.keyword])
      .map((d) => {
        const head = [...description(d.description, ''), `${d.keyword} ${d.name}${d.suffix ? ` ${d.suffix}` : ''}`];
        if (d.keyword === 'union') return head.join('\n');
        return [...head.slice(0, -1), `${head.at(-1)} {`, ...d.lines, '}'].join('\n');
      });
  }
}
