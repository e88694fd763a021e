// Builds the gateway's one schema at start-up: each SDL file → plans → generated resolvers, stitched with
// @graphql-tools/stitch (type merging of the files' definitions). The REST services are no subschemas, so
// nothing of theirs delegates at run time: cross-service fields are plain resolvers over per-request
// loaders. Services that speak GraphQL are the only subschemas (src/remote/): their fields delegate, and
// remote-links.ts joins their types to the REST ones by entity key. Internal fields are then removed by a
// build-time schema transform.
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
  print,
  validateSchema,
  type GraphQLFieldResolver,
} from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import type { EntityOwner } from '../sdl/entity-owner.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import { readTypeTag, typeTaggingResolver } from '../resolvers/abstract-type-resolver.ts';
import { describeRouteAccess, guardRemoteRoot, guardResolver } from '../resolvers/auth-guard.ts';
import { buildCostModel, type CostModel } from '../sdl/cost-model.ts';
import { rateLimitResolver } from '../resolvers/rate-limit-guard.ts';
import { checkEntities } from '../sdl/check-entities.ts';
import { combinePolicies, describePolicy, type AccessPolicy } from '../sdl/directives/auth-directives.ts';
import { loadSubgraph, type LoadedSubgraph } from '../sdl/load-subgraphs.ts';
import { FEDERATION_FIELDS, FEDERATION_TYPES } from '../remote/lookups.ts';
import { linkRemoteServices, type RestSide } from '../remote/remote-links.ts';
import type { RemoteSchemas } from '../remote/remote-schema.ts';
import { remoteService } from '../remote/remote-service.ts';
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
  /** The introspected schemas of GraphQL services without a schema file (remote-schema.ts). */
  remoteSchemas?: RemoteSchemas | undefined;
}

const formatWindow = (ms: number): string => (ms % 60_000 === 0 ? `${ms / 60_000} min` : ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

export function buildGatewaySchema(services: Readonly<Record<string, ServiceConfig>>, options: SchemaOptions = {}): GatewaySchema {
  const adminScope = options.adminScope ?? 'admin';
  // Services with no SDL file are reached only through passthrough routes.
  const loaded = Object.entries(services)
    .filter(([, config]) => config.schema !== undefined)
    .map(([name, config]) => loadSubgraph(name, config));
  const subgraphs = loaded.map((l) => planSubgraph(l, services[l.service]!, options.ownedHeaders?.(l.service)));
  const owners = checkEntities(subgraphs);
  const restCosts = buildCostModel(subgraphs, owners);

  const resolvers = subgraphs.map((s) => resolversOf(s, owners, restCosts));
  const remotes = Object.entries(services)
    .filter(([, config]) => config.graphql !== undefined)
    .map(([name, config]) => remoteService(name, config, options.remoteSchemas));
  const links = linkRemoteServices(remotes, restSide(subgraphs, loaded, owners, resolvers), restCosts);
  const costModel: CostModel = links.costs.size > 0 ? new Map([...restCosts, ...links.costs]) : restCosts;
  let stitched: GraphQLSchema;
  try {
    stitched = stitchSchemas({ subschemas: remotes.map((r) => r.subschema), typeDefs: subgraphs.map((s) => s.publicDocument), resolvers: [...resolvers, links.resolvers] });
  } catch (err) {
    throw new ConfigError(`cannot merge ${[...subgraphs.map((s) => s.file), ...remotes.map((r) => `the GraphQL service ${r.name}`)].join(', ')}: ${(err as Error).message}`);
  }
  const restTypes = new Set(subgraphs.flatMap((s) => s.publicDocument.definitions.flatMap((d) => ('name' in d && d.name ? [d.name.value] : []))));

  // A federation subgraph's _entities and _service serve the gateway's lookups, not its clients.
  const internal = new Set([...subgraphs.flatMap((s) => s.internal), ...(remotes.length > 0 ? FEDERATION_FIELDS : [])]);
  const federationTypes = new Set(remotes.length > 0 ? FEDERATION_TYPES.filter((t) => !restTypes.has(t)) : []);
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
    [MapperKind.TYPE]: (type) => (federationTypes.has(type.name) ? null : type),
    // A GraphQL service's own abstract types keep stitch's resolveType (its answers carry __typename).
    [MapperKind.ABSTRACT_TYPE]: (type) =>
      !restTypes.has(type.name) ? type
      : isInterfaceType(type) ? new GraphQLInterfaceType({ ...type.toConfig(), resolveType: readTypeTag }) : new GraphQLUnionType({ ...(type as GraphQLUnionType).toConfig(), resolveType: readTypeTag }),
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      if (internal.has(`${typeName}.${fieldName}`)) return null;
      const where = `${typeName}.${fieldName}`;
      // Each field gets exactly the generated resolver, unwrapped (stitch binds its own copy), and fields
      // with none read their parent's property with graphql-js's default resolver, the fastest there is
      // (stitch's merged default also checks for delegated objects, which only GraphQL services' fields
      // meet: those keep stitch's resolver, or get their join's).
      const linked = links.resolvers[typeName]?.[fieldName]?.resolve;
      const delegated = !linked && links.delegated.has(where);
      let generated = linked ?? (delegated ? field.resolve : generatedOf(resolvers, typeName, fieldName));
      const returned = getNamedType(field.type);
      if (isAbstractType(returned) && !delegated && discriminators.has(returned.name)) {
        generated = typeTaggingResolver(where, discriminators.get(returned.name) as Discriminator, generated, serviceDeclaring(subgraphs, typeName, fieldName));
      }
      // A GraphQL service's root field under its configured rule; refused, it sends nothing (a non-null
      // field's refusal nulls its parent, as graphql-js does with any error).
      const remoteRule = links.rootAccess.get(where);
      if (remoteRule) return { ...field, description: [field.description, describeRouteAccess(remoteRule)].filter(Boolean).join('\n\n'), resolve: guardRemoteRoot(where, remoteRule, generated, adminScope) };
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

/** The resolver a REST file generated for Type.field, if any. */
const generatedOf = (resolvers: readonly ResolverMap[], typeName: string, fieldName: string): GraphQLFieldResolver<any, any, any> | undefined =>
  resolvers.find((r) => r[typeName]?.[fieldName])?.[typeName]?.[fieldName];

/** What remote-links.ts needs to know of the REST side. */
function restSide(subgraphs: readonly SubgraphPlan[], loaded: readonly LoadedSubgraph[], owners: ReadonlyMap<string, EntityOwner>, resolvers: readonly ResolverMap[]): RestSide {
  const declared = new Map<string, Set<string>>();
  const declaredBy = new Map<string, string>();
  for (const plan of subgraphs) {
    for (const d of plan.publicDocument.definitions) {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const fields = declared.get(d.name.value) ?? new Set<string>();
      declared.set(d.name.value, fields);
      for (const f of d.fields ?? []) {
        fields.add(f.name.value);
        if (!declaredBy.has(`${d.name.value}.${f.name.value}`)) declaredBy.set(`${d.name.value}.${f.name.value}`, plan.file);
      }
    }
  }
  return {
    owners,
    declared,
    declaredBy,
    generated: (typeName, fieldName) => generatedOf(resolvers, typeName, fieldName),
    parentFields: (typeName, fieldName) => {
      const reads = new Set<string>();
      for (const l of loaded) {
        for (const d of l.document.definitions) {
          if ((d.kind !== Kind.OBJECT_TYPE_DEFINITION && d.kind !== Kind.OBJECT_TYPE_EXTENSION) || d.name.value !== typeName) continue;
          const field = d.fields?.find((f) => f.name.value === fieldName);
          for (const directive of field?.directives ?? []) for (const m of print(directive).matchAll(/\{parent\.([_A-Za-z][_0-9A-Za-z]*)/g)) reads.add(m[1]!);
        }
      }
      return [...reads];
    },
  };
}

/** The service whose file declares Type.field (for messages about its answers). */
function serviceDeclaring(subgraphs: readonly SubgraphPlan[], typeName: string, fieldName: string): string | undefined {
  return subgraphs.find((s) =>
    s.publicDocument.definitions.some(
      (d) => (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === typeName && d.fields?.some((f) => f.name.value === fieldName),
    ),
  )?.service;
}
