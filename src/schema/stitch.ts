// Builds the gateway's one schema at start-up: each SDL file → plans → generated resolvers, stitched with
// @graphql-tools/stitch (type merging of the files' definitions). No subschemas, so nothing delegates at
// run time: cross-service fields are plain resolvers over per-request loaders. Internal fields are then
// removed by a build-time schema transform.
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { stitchSchemas } from '@graphql-tools/stitch';
import { GraphQLSchema, validateSchema, type GraphQLFieldResolver } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import type { EntityOwner } from '../loaders/batch-load.ts';
import { checkEntities } from './check-entities.ts';
import { loadSubgraph } from './load-subgraphs.ts';
import { planSubgraph, type SubgraphPlan } from './plan-subgraph.ts';
import { createRefResolver } from './ref-resolver.ts';
import { createRestResolver } from './rest-resolver.ts';

export interface GatewaySchema {
  schema: GraphQLSchema;
  /** The owning service of each entity type: what the per-request loaders load through. */
  owners: ReadonlyMap<string, EntityOwner>;
  subgraphs: readonly SubgraphPlan[];
}

// eslint-style `any`: graphql-tools types resolver maps loosely; each resolver is typed where it is made.
type ResolverMap = Record<string, Record<string, GraphQLFieldResolver<any, any, any>>>;

function resolversOf(plan: SubgraphPlan, owners: ReadonlyMap<string, EntityOwner>): ResolverMap {
  const map: ResolverMap = {};
  for (const field of plan.fields) {
    const target = owners.get(field.returns.named);
    const resolver =
      field.kind === 'rest'
        ? createRestResolver(field, plan.config, target && target.service !== plan.service ? target : undefined)
        : createRefResolver(field, target as EntityOwner); // checkEntities guarantees every @ref target an owner
    (map[field.typeName] ??= {})[field.fieldName] = resolver as GraphQLFieldResolver<any, any, any>;
  }
  return map;
}

export function buildGatewaySchema(services: Readonly<Record<string, ServiceConfig>>): GatewaySchema {
  // Services with no SDL file are reached only through passthrough routes.
  const subgraphs = Object.entries(services)
    .filter(([, config]) => config.schema !== undefined)
    .map(([name, config]) => planSubgraph(loadSubgraph(name, config), config));
  const owners = checkEntities(subgraphs);

  const resolvers = subgraphs.map((s) => resolversOf(s, owners));
  let stitched: GraphQLSchema;
  try {
    stitched = stitchSchemas({ typeDefs: subgraphs.map((s) => s.publicDocument), resolvers });
  } catch (err) {
    throw new ConfigError(`cannot merge ${subgraphs.map((s) => s.file).join(', ')}: ${(err as Error).message}`);
  }

  const internal = new Set(subgraphs.flatMap((s) => s.internal));
  const schema = mapSchema(stitched, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (internal.has(`${typeName}.${fieldName}`)) return null;
      // Each field gets exactly the generated resolver, unwrapped (stitch binds its own copy), and fields
      // with none read their parent's property with graphql-js's default resolver, the fastest there is
      // (stitch's merged default also checks for delegated objects, which never exist here).
      const generated = resolvers.find((r) => r[typeName]?.[fieldName])?.[typeName]?.[fieldName];
      return { ...field, resolve: generated };
    },
  });
  const errors = validateSchema(schema);
  if (errors.length > 0) throw new ConfigError(`the stitched schema is invalid: ${errors.map((e) => e.message).join('; ')}`);
  return { schema, owners, subgraphs };
}
