// Where the GraphQL services' types meet the REST services' ones, by type name and entity key, and the
// resolvers that join them at run time:
// - a REST entity the GraphQL service also has (Movie, key id): the fields only the service has
//   (Movie.rating) are looked up by key in batches, one request per level (lookups.ts, join-resolvers.ts); the REST
//   fields of a Movie that came from the service (Rating.movie) are read from the REST owner's record,
//   loaded by key in batches (restView);
// - a GraphQL service's type that a REST file extends (Rating.reviewer @ref(key: "{parent.userId}")): the
//   parent fields its templates read are added to what is asked of the service (stitch's selectionSet);
// - everything else of the service is delegated as stitch does it.
// A root field or a non-entity type's field that both sides declare is refused at start-up, naming the
// rename that would settle it.
import { getNamedType, isObjectType } from 'graphql';
import type { RouteAccess } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import { keysPerCall, type CostModel, type FieldCost } from '../sdl/cost-model.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import { eitherSide, lookupResolver, restView, type Resolver } from './join-resolvers.ts';
import { FEDERATION_FIELDS, lookupOf } from './lookups.ts';
import type { RemoteService } from './remote-service.ts';

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
  /** The access rule of each GraphQL service's root field that is not public (graphql.access). */
  rootAccess: ReadonlyMap<string, RouteAccess>;
}

const ROOTS = ['Query', 'Mutation'] as const;

const cost = (calls: FieldCost['calls'], batchSize: number, weight = 1): FieldCost => ({ calls, batchSize, weight, completion: undefined, listSize: undefined });

export function linkRemoteServices(remotes: readonly RemoteService[], rest: RestSide, model: CostModel): RemoteLinks {
  const resolvers: RemoteLinks['resolvers'] = {};
  const delegated = new Set<string>();
  const costs = new Map<string, FieldCost>();
  const set = (typeName: string, fieldName: string, resolve: Resolver, selectionSet?: string): void => {
    (resolvers[typeName] ??= {})[fieldName] = selectionSet ? { selectionSet, resolve } : { resolve };
  };
  const claimedBy = new Map<string, string>(); // root fields and types' fields across GraphQL services
  const rootAccess = new Map<string, RouteAccess>();

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
        const rule = remote.config.graphql!.access[root];
        if (rule !== 'public') rootAccess.set(where, rule);
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
          // One resolver for all of them: the fields asked for at one place share one lookup.
          const resolve = lookupResolver(remote.subschema, owner.keyField, lookup, remote.config.maxBatchSize);
          for (const f of remoteOnly) {
            const where = `${type.name}.${f}`;
            const other = claimedBy.get(where);
            if (other) throw new ConfigError(`${where} is added by both ${other} and the GraphQL service ${remote.name}: hide it in one (graphql.hide)`);
            claimedBy.set(where, `the GraphQL service ${remote.name}`);
            set(type.name, f, resolve, `{ ${owner.keyField} }`);
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
  return { resolvers, delegated, costs, rootAccess };
}
