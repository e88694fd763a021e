// Plans how a REST answer picks the member of a union or the implementation of an interface, from the
// type's @discriminator, checked against the file's types at start-up. The plan is one function from an
// answer to a type name (undefined when nothing matches), plus a description of what it looked at.
import { isAbstractType, isObjectType, type GraphQLAbstractType, type GraphQLSchema } from 'graphql';
import { readDiscriminator } from './directives/discriminator-directive.ts';
import { sdlError } from './sdl-error.ts';

export interface Discriminator {
  typeName: string;
  /** The member's name for an answer, or undefined when it matches none. */
  pick(value: Record<string, unknown>): string | undefined;
  /** What the answer showed, for the error when nothing matched: `kind: "alien"`. */
  describe(value: Record<string, unknown>): string;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function stringMap(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : undefined;
}

export function planDiscriminators(schema: GraphQLSchema): Discriminator[] {
  const out: Discriminator[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isAbstractType(type) || type.name.startsWith('__')) continue;
    out.push(planDiscriminator(schema, type));
  }
  return out;
}

function planDiscriminator(schema: GraphQLSchema, type: GraphQLAbstractType): Discriminator {
  const d = readDiscriminator(type.astNode?.directives);
  const members = schema.getPossibleTypes(type).map((t) => t.name);
  const kind = isObjectType(type) ? 'type' : type.astNode?.kind === 'UnionTypeDefinition' ? 'union' : 'interface';
  if (!d) {
    throw sdlError(
      type.astNode,
      `${kind} ${type.name}: a REST answer carries no __typename, so say how it picks its type, e.g. @discriminator(field: "kind", values: { … }) or @discriminator(fields: { ${members.map((m) => `${m}: "…"`).join(', ')} })`,
    );
  }
  const where = `@discriminator on ${type.name}`;
  if ((d.field === undefined) === (d.fields === undefined)) throw sdlError(d.node, `${where}: give either field (with values) or fields`);
  if (d.field !== undefined) {
    const field = d.field;
    if (!NAME.test(field)) throw sdlError(d.node, `${where}: field names one field of the answer, got "${field}"`);
    let values: Record<string, string> | undefined;
    if (d.values !== undefined) {
      values = stringMap(d.values);
      if (!values) throw sdlError(d.node, `${where}: values maps each value of "${field}" to a type name, e.g. { person: "Person" }`);
      for (const [value, name] of Object.entries(values)) {
        if (!members.includes(name)) throw sdlError(d.node, `${where}: value "${value}" names ${name}, which is not one of ${type.name}'s types (${members.join(', ')})`);
      }
      const unreachable = members.filter((m) => !Object.values(values!).includes(m));
      if (unreachable.length > 0) throw sdlError(d.node, `${where}: no value picks ${unreachable.join(', ')}; give each of ${type.name}'s types a value`);
    }
    const map = values && new Map(Object.entries(values));
    return {
      typeName: type.name,
      pick: (answer) => {
        const v = answer[field];
        if (typeof v !== 'string' && typeof v !== 'number') return undefined;
        const name = map ? map.get(String(v)) : String(v);
        return name !== undefined && members.includes(name) ? name : undefined;
      },
      describe: (answer) => `${field}: ${JSON.stringify(answer[field] ?? null)?.slice(0, 60)}`,
    };
  }
  const fields = stringMap(d.fields);
  if (!fields) throw sdlError(d.node, `${where}: fields maps each type to the field only it has, e.g. { Person: "birthDate" }`);
  for (const [name, field] of Object.entries(fields)) {
    const member = schema.getType(name);
    if (!members.includes(name) || !isObjectType(member)) throw sdlError(d.node, `${where}: ${name} is not one of ${type.name}'s types (${members.join(', ')})`);
    if (!member.getFields()[field]) throw sdlError(d.node, `${where}: ${name} has no field "${field}"`);
    const shared = members.filter((m) => m !== name && (schema.getType(m) as typeof member).getFields()[field]);
    if (shared.length > 0) throw sdlError(d.node, `${where}: "${field}" is not only ${name}'s: ${shared.join(', ')} has it too`);
  }
  const missing = members.filter((m) => fields[m] === undefined);
  if (missing.length > 0) throw sdlError(d.node, `${where}: name the field only ${missing.join(', ')} has too; every type of ${type.name} needs one`);
  const order = Object.entries(fields);
  return {
    typeName: type.name,
    pick: (answer) => order.find(([, field]) => answer[field] !== undefined && answer[field] !== null)?.[0],
    describe: () => `none of ${order.map(([, f]) => `"${f}"`).join(', ')} present`,
  };
}
