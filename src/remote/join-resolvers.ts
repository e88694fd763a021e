// The resolvers that join a GraphQL service's objects and the REST services' records at run time
// (remote-links.ts decides where each goes).
import { defaultMergedResolver, delegateToSchema, isExternalObject, type SubschemaConfig } from '@graphql-tools/delegate';
import DataLoader from 'dataloader';
import { GraphQLList, Kind, type FieldNode, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';
import { GUARDED_RESOLUTIONS, type ResolverContext } from '../resolvers/resolver-context.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import type { Lookup } from './lookups.ts';

export type Resolver = GraphQLFieldResolver<any, ResolverContext, any>;

const responseKey = (node: FieldNode): string => node.alias?.value ?? node.name.value;

/** The lookups of one place in an operation (the same parent type under the same path), in one request. */
interface Place {
  /** Every field asked for there, in the order first seen (each field's nodes once). */
  nodes: FieldNode[];
  seen: Set<readonly FieldNode[]>;
  /** The first field's info: the place's operation, fragments and variables. */
  info: GraphQLResolveInfo;
  loader: DataLoader<string, unknown>;
}

/**
 * "movies.ratings.Movie" for movies.0.ratings.1.movie.title: the place, whatever the list positions.
 * Worked out once per field's nodes (the same nodes serve every parent at one place), not per parent.
 */
const places = new WeakMap<readonly FieldNode[], string>();
function placeOf(info: GraphQLResolveInfo): string {
  let key = places.get(info.fieldNodes);
  if (key === undefined) {
    key = info.parentType.name;
    for (let p = info.path.prev; p; p = p.prev) if (typeof p.key === 'string') key = `${p.key}.${key}`;
    places.set(info.fieldNodes, key);
  }
  return key;
}

/**
 * The fields only the GraphQL service has, on an entity a REST service owns (one resolver serves them
 * all): read from the parent when the parent came from the service with them, else looked up by the
 * parent's key — every field asked for at the same place, for every parent of the level, in one
 * lookup (a DataLoader per place and request, dispatched by the request's level scheduler; the lookups
 * of one level then share one HTTP request, remote-executor.ts). A field first seen at a place after its
 * lookup went out is fetched with the next one (the loader keeps no cache across lookups for that).
 */
export function lookupResolver(subschema: SubschemaConfig, keyField: string, lookup: Lookup, maxBatchSize: number): Resolver {
  const keyNode: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: keyField } };
  const placesKey = {}; // this lookup's places, in each request's scope
  const listTypes = new WeakMap<GraphQLObjectType, GraphQLList<GraphQLObjectType>>();
  const placeFor = (context: ResolverContext, info: GraphQLResolveInfo): Place => {
    const places = context.rest.perRequest(placesKey, () => new Map<string, Place>());
    const at = placeOf(info);
    let place = places.get(at);
    if (!place) {
      let returnType = listTypes.get(info.parentType);
      if (!returnType) listTypes.set(info.parentType, (returnType = new GraphQLList(info.parentType)));
      const type = returnType;
      const created: Place = {
        nodes: [],
        seen: new Set(),
        info,
        loader: new DataLoader<string, unknown>(async (keys) => {
          // Each key once (with no cache, the loader passes repeats on), answers given back to every asker.
          const unique = [...new Set(keys)];
          const selectionSet = lookup.selection(keyNode, created.nodes, info.parentType);
          const found = await delegateToSchema({ schema: subschema, operation: 'query' as never, fieldName: lookup.field, args: lookup.args(unique), selectionSet, returnType: type, context, info: created.info, skipTypeMerging: true });
          if (found instanceof Error) return keys.map(() => found);
          const byKey = new Map(unique.map((k, i) => [k, Array.isArray(found) ? (found[i] ?? null) : null]));
          return keys.map((k) => byKey.get(k) ?? null);
        }, { batchScheduleFn: context.rest.schedule, maxBatchSize, cache: false }),
      };
      places.set(at, (place = created));
    }
    if (!place.seen.has(info.fieldNodes)) {
      place.seen.add(info.fieldNodes);
      place.nodes.push(...info.fieldNodes);
    }
    return place;
  };
  return async (parent, args, context, info) => {
    if (isExternalObject(parent) && responseKey(info.fieldNodes[0]!) in parent) return defaultMergedResolver(parent, args, context, info);
    const key = parent?.[keyField];
    if (key === null || key === undefined) return null;
    const found = await placeFor(context, info).loader.load(String(key));
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
