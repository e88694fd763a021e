// Where the GraphQL services' types meet the REST services' ones, by type name and entity key, and the
// resolvers that join them at run time:
// - a REST entity the GraphQL service also has (Movie, key id): the fields only the service has
//   (Movie.rating) are looked up by key in batches, one request per level (lookupResolver); the REST
//   fields of a Movie that came from the service (Rating.movie) are read from the REST owner's record,
//   loaded by key in batches (restView);
// - a GraphQL service's type that a REST file extends (Rating.reviewer @ref(key: "{parent.userId}")): the
//   parent fields its templates read are added to what is asked of the service (stitch's selectionSet);
// - everything else of the service is delegated as stitch does it.
// A root field or a non-entity type's field that both sides declare is refused at start-up, naming the
// rename that would settle it.
import { batchDelegateToSchema } from '@graphql-tools/batch-delegate';
import { defaultMergedResolver, isExternalObject, type SubschemaConfig } from '@graphql-tools/delegate';
import {
  getNamedType,
  GraphQLList,
  isListType,
  isNonNullType,
  isObjectType,
  isUnionType,
  Kind,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { ConfigError, gatewayGraphQLError } from '../errors.ts';
import { GUARDED_RESOLUTIONS, type ResolverContext } from '../resolvers/resolver-context.ts';
import type { CostModel, FieldCost } from '../sdl/cost-model.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import type { RemoteService } from './remote-service.ts';

type Resolver = GraphQLFieldResolver<any, ResolverContext, any>;

export interface RestSide {
  owners: ReadonlyMap<string, EntityOwner>;
  /** The fields each REST file declares, by type: "Movie" → { id, title, … }. */
  declared: ReadonlyMap<string, ReadonlySet<string>>;
  /** Which service's file declares Type.field (the first, for messages). */
  declaredBy: ReadonlyMap<string, string>;
  /** The generated resolver of a REST field, if it has one (fields without read their parent's property). */
  generated(typeName: string, fieldName: string): Resolver | undefined;
  /** The parent fields a REST field's templates read ({parent.userId} → userId). */
  parentFields(typeName: string, fieldName: string): readonly string[];
}

export interface RemoteLinks {
  /** Resolvers by type and field, with the selection each needs of its parent (stitch's selectionSet). */
  resolvers: Record<string, Record<string, { selectionSet?: string; resolve: Resolver }>>;
  /** "Type.field" that a GraphQL service resolves by delegation (stitch's own resolver stays). */
  delegated: ReadonlySet<string>;
  /** What each joined or delegated field costs in calls. */
  costs: ReadonlyMap<string, FieldCost>;
}

const ROOTS = ['Query', 'Mutation'] as const;
const responseKey = (node: FieldNode): string => node.alias?.value ?? node.name.value;

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
function lookupOf(remote: RemoteService, type: GraphQLObjectType, keyField: string): Lookup | undefined {
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

/**
 * A field only the GraphQL service has, on an entity a REST service owns: read from the parent when the
 * parent came from the service with it, else looked up by the parent's key, every parent of the level
 * in one request (batch-delegate, dispatched by the request's level scheduler).
 */
function lookupResolver(subschema: SubschemaConfig, keyField: string, lookup: Lookup): Resolver {
  const keyNode: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: keyField } };
  // One selection object per place in the operation, and one list type: batch-delegate keys its loaders
  // by the printed selection, memoized by object, so a new object per parent would print it per parent.
  const selections = new WeakMap<readonly FieldNode[], SelectionSetNode>();
  const selectionOf = (nodes: readonly FieldNode[], type: GraphQLObjectType): SelectionSetNode => {
    let set = selections.get(nodes);
    if (!set) selections.set(nodes, (set = lookup.selection(keyNode, nodes, type)));
    return set;
  };
  const listTypes = new WeakMap<GraphQLObjectType, GraphQLList<GraphQLObjectType>>();
  const listOf = (type: GraphQLObjectType): GraphQLList<GraphQLObjectType> => {
    let list = listTypes.get(type);
    if (!list) listTypes.set(type, (list = new GraphQLList(type)));
    return list;
  };
  return async (parent, args, context, info) => {
    if (isExternalObject(parent) && responseKey(info.fieldNodes[0]!) in parent) return defaultMergedResolver(parent, args, context, info);
    const key = parent?.[keyField];
    if (key === null || key === undefined) return null;
    const found = await batchDelegateToSchema({
      schema: subschema,
      operation: 'query' as never,
      fieldName: lookup.field,
      key: String(key),
      argsFromKeys: lookup.args,
      selectionSet: selectionOf(info.fieldNodes, info.parentType),
      returnType: listOf(info.parentType),
      context,
      info,
      dataLoaderOptions: { batchScheduleFn: context.rest.schedule },
      skipTypeMerging: true,
    });
    if (found instanceof Error) throw found;
    if (found === null || found === undefined) return null;
    return defaultMergedResolver(found, args, context, info);
  };
}

/**
 * A REST field of an entity the GraphQL service also has: on a record from the REST side as it is; on
 * an object that came from the service, the owner's record, loaded by key (batched per level). The
 * compiled path only ever sees REST records, so it may treat this as the field's own resolver.
 */
function restView(owner: EntityOwner, fieldName: string, inner: Resolver | undefined): Resolver {
  const read: Resolver = inner ?? ((record) => record[fieldName]);
  const resolver: Resolver = (parent, args, context, info) => {
    if (!isExternalObject(parent)) return read(parent, args, context, info);
    const key = (parent as Record<string, unknown>)[owner.keyField];
    if (key === null || key === undefined) return null;
    return context.rest.entity(owner.typeName).load(String(key)).then((record) => {
      if (record === null) throw gatewayGraphQLError('NOT_FOUND', `${owner.typeName} ${String(key).slice(0, 100)} not found`, owner.service);
      return read(record, args, context, info);
    });
  };
  GUARDED_RESOLUTIONS.set(resolver, { before: () => undefined, inner: inner as ((...args: never[]) => unknown) | undefined });
  return resolver;
}

/** A field both sides have on a type that is no entity: whichever side the parent came from. */
const eitherSide = (fieldName: string): Resolver => (parent, args, context, info) =>
  isExternalObject(parent) ? defaultMergedResolver(parent, args, context, info) : parent?.[fieldName];

const keysPerCall = (owner: EntityOwner): number => ('batchPath' in owner.load ? owner.maxBatchSize : 1);
const cost = (calls: FieldCost['calls'], batchSize: number, weight = 1): FieldCost => ({ calls, batchSize, weight, completion: undefined, listSize: undefined });

export function linkRemoteServices(remotes: readonly RemoteService[], rest: RestSide, model: CostModel): RemoteLinks {
  const resolvers: RemoteLinks['resolvers'] = {};
  const delegated = new Set<string>();
  const costs = new Map<string, FieldCost>();
  const set = (typeName: string, fieldName: string, resolve: Resolver, selectionSet?: string): void => {
    (resolvers[typeName] ??= {})[fieldName] = selectionSet ? { selectionSet, resolve } : { resolve };
  };
  const claimedBy = new Map<string, string>(); // root fields and types' fields across GraphQL services

  for (const remote of remotes) {
    const schema = remote.publicSchema;
    for (const root of ROOTS) {
      const type = root === 'Query' ? schema.getQueryType() : schema.getMutationType();
      for (const field of Object.keys(type?.getFields() ?? {})) {
        const where = `${root}.${field}`;
        if (FEDERATION_FIELDS.includes(where)) continue; // the gateway's lookups, not in its schema
        const other = rest.declaredBy.get(where) ?? claimedBy.get(where);
        if (other) throw new ConfigError(`${where} is declared by both ${other} and the GraphQL service ${remote.name}: rename one (services.${remote.name}.graphql.rename: { "${where}": "…" }) or hide it (graphql.hide)`);
        claimedBy.set(where, `the GraphQL service ${remote.name}`);
        delegated.add(where);
        costs.set(where, cost('perParent', 1)); // one request, whatever it selects
      }
    }
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__') || type === schema.getQueryType() || type === schema.getMutationType() || type === schema.getSubscriptionType()) continue;
      const owner = rest.owners.get(type.name);
      const restFields = rest.declared.get(type.name);
      const fields = type.getFields();
      const remoteOnly = Object.keys(fields).filter((f) => !restFields?.has(f));
      if (owner) {
        if (!fields[owner.keyField]) throw new ConfigError(`${type.name} is an entity of ${owner.service} keyed by ${owner.keyField}, and the GraphQL service ${remote.name} has the type without that field: rename the service's type (services.${remote.name}.graphql.rename) or add the key`);
        if (remoteOnly.length > 0) {
          const lookup = lookupOf(remote, type, owner.keyField);
          if (!lookup) throw new ConfigError(`the GraphQL service ${remote.name} adds ${remoteOnly.map((f) => `${type.name}.${f}`).join(', ')} to ${owner.service}'s entity, and has no lookup of ${type.name} by ${owner.keyField}: set services.${remote.name}.graphql.entities.${type.name} = { "field": "…", "argument": "…" } (a Query field that takes a list of keys), or declare _entities`);
          for (const f of remoteOnly) {
            const where = `${type.name}.${f}`;
            const other = claimedBy.get(where);
            if (other) throw new ConfigError(`${where} is added by both ${other} and the GraphQL service ${remote.name}: hide it in one (graphql.hide)`);
            claimedBy.set(where, `the GraphQL service ${remote.name}`);
            set(type.name, f, lookupResolver(remote.subschema, owner.keyField, lookup), `{ ${owner.keyField} }`);
            costs.set(where, cost('perParentBatch', remote.config.maxBatchSize));
          }
        }
        // The REST fields, on a Movie that may come from either side.
        for (const f of restFields ?? []) {
          if (f === owner.keyField || resolvers[type.name]?.[f]) continue;
          set(type.name, f, restView(owner, f, rest.generated(type.name, f)), `{ ${owner.keyField} }`);
        }
      } else {
        for (const f of Object.keys(fields)) {
          const where = `${type.name}.${f}`;
          if (!restFields?.has(f)) delegated.add(where);
          else if (!rest.generated(type.name, f)) set(type.name, f, eitherSide(f));
        }
        // A REST file's fields on the service's type: what their templates read goes into the delegation.
        for (const f of restFields ?? []) {
          const generated = rest.generated(type.name, f);
          if (!generated || fields[f]) continue;
          const needs = rest.parentFields(type.name, f).filter((p) => fields[p]);
          set(type.name, f, generated, needs.length > 0 ? `{ ${needs.join(' ')} }` : undefined);
        }
      }
    }
    // A field of the service that answers a REST entity: completing its REST fields costs a batch per level.
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const [f, field] of Object.entries(type.getFields())) {
        const where = `${type.name}.${f}`;
        const target = rest.owners.get(getNamedType(field.type).name);
        if (!target || model.has(where) || (rest.declared.get(type.name)?.has(f) ?? false)) continue;
        const own = costs.get(where);
        costs.set(where, own ? { ...own, completion: { batchSize: keysPerCall(target), weight: target.weight } } : cost('perKeyBatch', keysPerCall(target), target.weight));
      }
    }
  }
  return { resolvers, delegated, costs };
}
