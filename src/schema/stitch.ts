// Builds the gateway's one schema at start-up: each SDL file → plans → generated resolvers, stitched with
// @graphql-tools/stitch (type merging of the files' definitions). No subschemas, so nothing delegates at
// run time: cross-service fields are plain resolvers over per-request loaders. Internal fields are then
// removed by a build-time schema transform.
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { stitchSchemas } from '@graphql-tools/stitch';
import {
  getNamedType,
  GraphQLInterfaceType,
  GraphQLSchema,
  GraphQLUnionType,
  isAbstractType,
  isInterfaceType,
  isNonNullType,
  Kind,
  validateSchema,
  type GraphQLFieldResolver,
} from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { readTypeTag, typeTaggingResolver } from '../resolvers/abstract-type-resolver.ts';
import { guardResolver } from '../resolvers/auth-guard.ts';
import { buildCostModel, type CostModel } from '../sdl/cost-model.ts';
import { rateLimitResolver } from '../resolvers/rate-limit-guard.ts';
import { checkEntities } from '../sdl/check-entities.ts';
import { combinePolicies, describePolicy, type AccessPolicy } from '../sdl/directives/auth-directives.ts';
import { loadSubgraph } from '../sdl/load-subgraphs.ts';
import type { Discriminator } from '../sdl/plan-discriminator.ts';
import { planSubgraph, type SubgraphPlan } from '../sdl/plan-subgraph.ts';
import { createRefResolver } from '../resolvers/ref-resolver.ts';
import { createRestResolver } from '../resolvers/rest-resolver.ts';
import { sdlError } from '../sdl/sdl-error.ts';

export interface GatewaySchema {
  schema: GraphQLSchema;
  /** The owning service of each entity type: what the per-request loaders load through. */
  owners: ReadonlyMap<string, EntityOwner>;
  subgraphs: readonly SubgraphPlan[];
  /** How each field's REST calls grow with its parents, for the cost estimate. */
  costModel: CostModel;
}

// eslint-style `any`: graphql-tools types resolver maps loosely; each resolver is typed where it is made.
type ResolverMap = Record<string, Record<string, GraphQLFieldResolver<any, any, any>>>;

function resolversOf(plan: SubgraphPlan, owners: ReadonlyMap<string, EntityOwner>, costModel: CostModel): ResolverMap {
  const map: ResolverMap = {};
  for (const field of plan.fields) {
    const target = owners.get(field.returns.named);
    const weight = costModel.get(`${field.typeName}.${field.fieldName}`)?.weight ?? 1;
    const resolver =
      field.kind === 'rest'
        ? createRestResolver(field, plan.config, target && target.service !== plan.service ? target : undefined, weight)
        : createRefResolver(field, target as EntityOwner); // checkEntities guarantees every @ref target an owner
    (map[field.typeName] ??= {})[field.fieldName] = resolver as GraphQLFieldResolver<any, any, any>;
  }
  return map;
}

export interface SchemaOptions {
  /** The scope that passes the @owner rule for any record. @default "admin" */
  adminScope?: string;
  /** Checks @rateLimit fields; without it (rate limiting off) they are not limited. */
  limiter?: RateLimiter | undefined;
  /** The headers the gateway sets itself on a service's calls, which no @rest(headers:) may set. */
  ownedHeaders?: (service: string) => ReadonlySet<string>;
}

const formatWindow = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

export function buildGatewaySchema(services: Readonly<Record<string, ServiceConfig>>, options: SchemaOptions = {}): GatewaySchema {
  const adminScope = options.adminScope ?? 'admin';
  // Services with no SDL file are reached only through passthrough routes.
  const subgraphs = Object.entries(services)
    .filter(([, config]) => config.schema !== undefined)
    .map(([name, config]) => planSubgraph(loadSubgraph(name, config), config, options.ownedHeaders?.(name)));
  const owners = checkEntities(subgraphs);
  const costModel = buildCostModel(subgraphs, owners);

  const resolvers = subgraphs.map((s) => resolversOf(s, owners, costModel));
  let stitched: GraphQLSchema;
  try {
    stitched = stitchSchemas({ typeDefs: subgraphs.map((s) => s.publicDocument), resolvers });
  } catch (err) {
    throw new ConfigError(`cannot merge ${subgraphs.map((s) => s.file).join(', ')}: ${(err as Error).message}`);
  }

  const internal = new Set(subgraphs.flatMap((s) => s.internal));
  // A type's policy may come from any file that declares the type; all of them must hold.
  const typePolicies = new Map<string, AccessPolicy>();
  const fieldPolicies = new Map<string, AccessPolicy>();
  const fieldLimits = new Map(subgraphs.flatMap((s) => [...s.rateLimits]));
  for (const s of subgraphs) {
    for (const [name, p] of s.policies.types) typePolicies.set(name, combinePolicies(typePolicies.get(name), p)!);
    for (const [name, p] of s.policies.fields) fieldPolicies.set(name, combinePolicies(fieldPolicies.get(name), p)!);
  }
  const discriminators = new Map<string, Discriminator>();
  for (const d of subgraphs.flatMap((s) => s.discriminators)) if (!discriminators.has(d.typeName)) discriminators.set(d.typeName, d);
  const schema = mapSchema(stitched, {
    // graphql-jit calls resolveType outside any error handler: this one never throws (see abstract-type-resolver.ts).
    [MapperKind.ABSTRACT_TYPE]: (type) =>
      isInterfaceType(type) ? new GraphQLInterfaceType({ ...type.toConfig(), resolveType: readTypeTag }) : new GraphQLUnionType({ ...(type as GraphQLUnionType).toConfig(), resolveType: readTypeTag }),
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (internal.has(`${typeName}.${fieldName}`)) return null;
      // Each field gets exactly the generated resolver, unwrapped (stitch binds its own copy), and fields
      // with none read their parent's property with graphql-js's default resolver, the fastest there is
      // (stitch's merged default also checks for delegated objects, which never exist here).
      let generated = resolvers.find((r) => r[typeName]?.[fieldName])?.[typeName]?.[fieldName];
      const where = `${typeName}.${fieldName}`;
      const returned = getNamedType(field.type);
      if (isAbstractType(returned)) {
        generated = typeTaggingResolver(where, discriminators.get(returned.name) as Discriminator, generated, serviceDeclaring(subgraphs, typeName, fieldName));
      }
      const policy = combinePolicies(fieldPolicies.get(where), typePolicies.get(getNamedType(field.type).name));
      const limit = fieldLimits.get(where);
      if (!policy && !limit) return { ...field, resolve: generated };
      if (isNonNullType(field.type)) {
        const node = fieldPolicies.get(where)?.node ?? limit?.node ?? field.astNode;
        throw sdlError(node, `${where} has an ${policy ? 'access rule' : 'rate limit'}, so it must be nullable: a refused field comes back null`);
      }
      // The access rule runs first, so a refused caller spends no rate budget. The rules show in
      // GraphiQL's docs, so a frontend developer sees why a field may come back null.
      let resolve = limit && options.limiter ? rateLimitResolver(where, limit, generated, options.limiter) : generated;
      const notes: string[] = [];
      if (policy) {
        resolve = guardResolver(where, policy, resolve, adminScope);
        notes.push(describePolicy(policy, adminScope));
      }
      if (limit) notes.push(`Rate limit: at most ${limit.max} operations asking for it per ${formatWindow(limit.windowMs)} per caller.`);
      const description = [field.description, notes.join(' ')].filter(Boolean).join('\n\n');
      return { ...field, description, resolve };
    },
  });
  const errors = validateSchema(schema);
  if (errors.length > 0) throw new ConfigError(`the stitched schema is invalid: ${errors.map((e) => e.message).join('; ')}`);
  return { schema, owners, subgraphs, costModel };
}

/** The service whose file declares Type.field (for messages about its answers). */
function serviceDeclaring(subgraphs: readonly SubgraphPlan[], typeName: string, fieldName: string): string | undefined {
  return subgraphs.find((s) =>
    s.publicDocument.definitions.some(
      (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === typeName && d.fields?.some((f) => f.name.value === fieldName),
    ),
  )?.service;
}
