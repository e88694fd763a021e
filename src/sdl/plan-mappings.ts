// The mappers of one service's answers, from its file's @map (per type) and @rest(map:) (per field),
// checked against the file's types (an unknown field is an error at file:line:col). A type's mapper
// also maps the nested objects of types that have a mapping of their own (a Person's address by
// Address's), so a mapping is written once per type, wherever the type turns up in an answer.
import { getNamedType, isObjectType, type ConstDirectiveNode, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { directiveArgs, findDirective } from './directives/rest-directives.ts';
import { sdlError } from './sdl-error.ts';
import { checkMapping, compileMapping, mapEach, MappingError, parseMapping, type MappingEntry, type Mapper } from './selection-map.ts';

export interface ServiceMappers {
  /** A type's mapper for this service's answers; undefined where nothing in it is mapped. */
  type(name: string): Mapper | undefined;
  /** A @rest field's answer mapper: its own mapping, else its type's. */
  field(type: GraphQLObjectType, field: string, text: string | undefined, node: ConstDirectiveNode): Mapper | undefined;
}

function parseChecked(text: string, type: GraphQLObjectType, node: ConstDirectiveNode, where: string): MappingEntry[] {
  try {
    const entries = parseMapping(text);
    checkMapping(entries, type);
    return entries;
  } catch (err) {
    if (err instanceof MappingError) throw sdlError(node, `${where}: ${err.message}`);
    throw err;
  }
}

export function planMappings(schema: GraphQLSchema): ServiceMappers {
  const own = new Map<string, MappingEntry[]>();
  const objects = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
  for (const type of objects) {
    const node = findDirective(type.astNode?.directives, 'map');
    if (node) own.set(type.name, parseChecked(directiveArgs(node).selection as string, type, node, `@map on ${type.name}`));
  }
  // Types that have a mapping, or reach one through their fields.
  const reaches = new Set(own.keys());
  for (let grew = true; grew; ) {
    grew = false;
    for (const type of objects) {
      if (reaches.has(type.name)) continue;
      if (Object.values(type.getFields()).some((f) => reaches.has(getNamedType(f.type).name))) {
        reaches.add(type.name);
        grew = true;
      }
    }
  }
  const mappers = new Map<string, Mapper>();
  /** `entries` (or none) for the object itself, then each field that reaches a mapping, by its type's mapper. */
  const build = (type: GraphQLObjectType, entries: readonly MappingEntry[] | undefined): Mapper => {
    const self = entries && compileMapping(entries);
    const nested = Object.values(type.getFields())
      .filter((f) => reaches.has(getNamedType(f.type).name) && !entries?.some((e) => e.field === f.name && e.nested))
      .map((f) => [f.name, getNamedType(f.type).name] as const);
    return (value) => {
      const out = self ? self(value) : { ...value };
      for (const [field, typeName] of nested) out[field] = mapEach(out[field], typeMapper(typeName)!);
      return out;
    };
  };
  const typeMapper = (name: string): Mapper | undefined => {
    if (!reaches.has(name)) return undefined;
    let mapper = mappers.get(name);
    if (!mapper) {
      // Set before it is built, so a type that contains itself finds it.
      let built: Mapper | undefined;
      mapper = (value) => (built ??= build(schema.getType(name) as GraphQLObjectType, own.get(name)))(value);
      mappers.set(name, mapper);
    }
    return mapper;
  };
  return {
    type: typeMapper,
    field: (type, field, text, node) => {
      const named = getNamedType(type.getFields()[field]!.type);
      if (text === undefined) return isObjectType(named) ? typeMapper(named.name) : undefined;
      if (!isObjectType(named)) throw sdlError(node, `@rest on ${type.name}.${field}: map needs an object type, and the field returns ${named.name}`);
      return build(named, parseChecked(text, named, node, `@rest on ${type.name}.${field}: map`));
    },
  };
}
