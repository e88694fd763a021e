// The resolvers that join a GraphQL service's objects and the REST services' records at run time
// (remote-links.ts decides where each goes).
import { defaultMergedResolver, delegateToSchema, isExternalObject, type SubschemaConfig } from '@graphql-tools/delegate';
import DataLoader from 'dataloader';
import { GraphQLList, Kind, type FieldNode, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';
import { GUARDED_RESOLUTIONS, type ResolverContext } from '../resolvers/resolver-context.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import type { Lookup } from './lookups.ts';

export type Resolver = GraphQLFieldResolver<any, ResolverContext, any>;

const responseKey = (node: FieldNode): string => node.alias?.value ?? node.name.value;

/**
 * A field only the GraphQL service has, on an entity a REST service owns: read from the parent when the
 * parent came from the service with it, else looked up by the parent's key, every parent of the level
 * in one delegation (a DataLoader per place in the operation and request, dispatched by the request's
 * level scheduler; the lookups of one level then share one HTTP request, remote-executor.ts).
 */
export function lookupResolver(subschema: SubschemaConfig, keyField: string, lookup: Lookup, maxBatchSize: number): Resolver {
  const keyNode: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: keyField } };
  // One selection per place in the operation (the field's nodes), made once: it also keys the loaders.
  const selections = new WeakMap<readonly FieldNode[], SelectionSetNode>();
  const listTypes = new WeakMap<GraphQLObjectType, GraphQLList<GraphQLObjectType>>();
  const loaderOf = (context: ResolverContext, info: GraphQLResolveInfo): DataLoader<string, unknown> => {
    let selectionSet = selections.get(info.fieldNodes);
    if (!selectionSet) selections.set(info.fieldNodes, (selectionSet = lookup.selection(keyNode, info.fieldNodes, info.parentType)));
    let returnType = listTypes.get(info.parentType);
    if (!returnType) listTypes.set(info.parentType, (returnType = new GraphQLList(info.parentType)));
    const set = selectionSet;
    const type = returnType;
    return context.rest.perRequest(set, () => new DataLoader<string, unknown>(async (keys) => {
      // The first parent's info stands for the level: same place, same selection, same variables.
      const found = await delegateToSchema({ schema: subschema, operation: 'query' as never, fieldName: lookup.field, args: lookup.args(keys), selectionSet: set, returnType: type, context, info, skipTypeMerging: true });
      if (found instanceof Error) return keys.map(() => found);
      return keys.map((_, i) => (Array.isArray(found) ? (found[i] ?? null) : null));
    }, { batchScheduleFn: context.rest.schedule, maxBatchSize })); // the service's maxBatchSize keys per lookup
  };
  return async (parent, args, context, info) => {
    if (isExternalObject(parent) && responseKey(info.fieldNodes[0]!) in parent) return defaultMergedResolver(parent, args, context, info);
    const key = parent?.[keyField];
    if (key === null || key === undefined) return null;
    const found = await loaderOf(context, info).load(String(key));
    if (found instanceof Error) throw found;
    if (found === null || found === undefined) return null;
    return defaultMergedResolver(found as Parameters<typeof defaultMergedResolver>[0], args, context, info);
  };
}

/**
 * A REST field of an entity the GraphQL service also has: on a record from the REST side as it is; on
 * an object that came from the service, the owner's record, loaded by key (batched per level). The
 * compiled path only ever sees REST records, so it may treat this as the field's own resolver.
 */
export function restView(owner: EntityOwner, fieldName: string, inner: Resolver | undefined): Resolver {
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
export const eitherSide = (fieldName: string): Resolver => (parent, args, context, info) =>
  isExternalObject(parent) ? defaultMergedResolver(parent, args, context, info) : parent?.[fieldName];
