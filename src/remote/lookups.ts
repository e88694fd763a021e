// How the gateway asks a GraphQL service for entities by key: a Query field that takes a list of keys
// and answers the list in their order (configured in graphql.entities, or found in its schema), or, for
// an Apollo Federation subgraph, _entities(representations:). Each says which field, with what
// arguments, selecting what.
import { getNamedType, isListType, isNonNullType, isUnionType, Kind, type FieldNode, type GraphQLObjectType, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { ConfigError } from '../errors.ts';
import type { RemoteService } from './remote-service.ts';

/** How to ask a GraphQL service for entities by key: which Query field, with what arguments, selecting what. */
export interface Lookup {
  field: string;
  args(keys: readonly string[]): Record<string, unknown>;
  /** The selection on the field: the key, then the fields asked for (in a fragment on the type for _entities). */
  selection(key: FieldNode, nodes: readonly FieldNode[], type: GraphQLObjectType): SelectionSetNode;
}

const listLookup = (field: string, argument: string): Lookup => ({
  field,
  args: (keys) => ({ [argument]: keys }),
  selection: (key, nodes) => ({ kind: Kind.SELECTION_SET, selections: [key, ...nodes] }),
});

/** Apollo Federation's _entities(representations: [_Any!]!): [_Entity]!, for a type in _Entity. */
const entitiesLookup = (serviceTypeName: string, keyField: string): Lookup => ({
  field: '_entities',
  args: (keys) => ({ representations: keys.map((k) => ({ __typename: serviceTypeName, [keyField]: k })) }),
  selection: (key, nodes, type) => ({
    kind: Kind.SELECTION_SET,
    selections: [{ kind: Kind.INLINE_FRAGMENT, typeCondition: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: type.name } }, selectionSet: { kind: Kind.SELECTION_SET, selections: [key, ...nodes] } }],
  }),
});

/** The Query fields of a federation subgraph that are the gateway's business, not its clients'. */
export const FEDERATION_FIELDS = ['Query._entities', 'Query._service'];
export const FEDERATION_TYPES = ['_Entity', '_Any', '_Service', 'FieldSet', 'link__Import', 'link__Purpose'];

/** A Query field that takes one list of keys and answers a list of `type`. */
function findListLookup(schema: GraphQLSchema, type: GraphQLObjectType): { field: string; argument: string } | undefined {
  for (const field of Object.values(schema.getQueryType()?.getFields() ?? {})) {
    const returned = isNonNullType(field.type) ? field.type.ofType : field.type;
    if (!isListType(returned) || getNamedType(returned) !== type) continue;
    const lists = field.args.filter((a) => isListType(isNonNullType(a.type) ? a.type.ofType : a.type));
    const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (lists.length === 1 && required.every((a) => a === lists[0])) return { field: field.name, argument: lists[0]!.name };
  }
  return undefined;
}

function checkLookup(remote: RemoteService, type: GraphQLObjectType, lookup: { field: string; argument: string }): void {
  const field = remote.publicSchema.getQueryType()?.getFields()[lookup.field];
  const where = `services.${remote.name}.graphql.entities.${type.name}`;
  if (!field) throw new ConfigError(`${where}: the service has no Query.${lookup.field}`);
  if (!field.args.some((a) => a.name === lookup.argument)) throw new ConfigError(`${where}: Query.${lookup.field} has no argument "${lookup.argument}"`);
  if (getNamedType(field.type) !== type || !isListType(isNonNullType(field.type) ? field.type.ofType : field.type)) {
    throw new ConfigError(`${where}: Query.${lookup.field} answers ${String(field.type)}, not a list of ${type.name}`);
  }
}

/** The configured lookup, else _entities when the type is one of the service's federation entities, else a list field. */
export function lookupOf(remote: RemoteService, type: GraphQLObjectType, keyField: string): Lookup | undefined {
  const configured = remote.config.graphql!.entities[type.name];
  if (configured) {
    checkLookup(remote, type, configured);
    return listLookup(configured.field, configured.argument);
  }
  const schema = remote.publicSchema;
  const entity = schema.getType('_Entity');
  if (schema.getQueryType()?.getFields()._entities && entity && isUnionType(entity) && entity.getTypes().includes(type)) {
    const original = Object.entries(remote.config.graphql!.rename).find(([from, to]) => !from.includes('.') && to === type.name)?.[0] ?? type.name;
    return entitiesLookup(original, keyField);
  }
  const found = findListLookup(schema, type);
  return found && listLookup(found.field, found.argument);
}
