// The generated resolver of a @rest field: arguments and parent → method, path, query and body → one
// call through the request's RestScope → the JSON answer (or a coded error). When the field returns an
// entity another service owns, each result is completed by that owner's loader (type merging by key).
import type { GraphQLFieldResolver } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import type { EntityOwner, GroupedSpec } from '../loaders/batch-load.ts';
import { restError } from '../loaders/rest-error.ts';
import { readPath } from '../read-path.ts';
import type { RestFieldPlan } from '../sdl/plan-subgraph.ts';
import { mapEach } from '../sdl/selection-map.ts';
import { complete } from './complete-entities.ts';
import { createPaginatedResolver } from './paginated-resolver.ts';
import { GENERATED_RESOLVERS, READ_ONLY_RESOLVERS, type ResolverContext } from './resolver-context.ts';
import type { TemplateScope } from '../sdl/template.ts';

type Resolver = GraphQLFieldResolver<Record<string, unknown>, ResolverContext, Record<string, unknown>>;

/** A @batch field: the parent's key goes to the request's grouped loader, one call per tick for all parents. */
function createBatchedResolver(plan: RestFieldPlan, config: ServiceConfig, completeWith: EntityOwner | undefined, weight: number): Resolver {
  const batch = plan.batch as NonNullable<RestFieldPlan['batch']>;
  // Built once here; only the path and the other query parameters vary per call.
  const spec: GroupedSpec = { service: plan.service, param: batch.param, groupBy: batch.groupBy, keys: batch.keys, errors: config.errors, select: plan.select, maxBatchSize: config.maxBatchSize, maxUrlLength: config.maxUrlLength, weight };
  return async (parent, args, ctx) => {
    const scope: TemplateScope = { args, parent };
    const key = batch.key(scope);
    const path = plan.path(scope);
    if (key === null || key === undefined || path === undefined) return plan.returns.nonNull ? [] : null;
    const raw = await ctx.rest.grouped(spec, path + batch.otherQuery(scope)).load(String(key));
    const items = plan.map ? mapEach(raw, plan.map) : raw;
    return completeWith ? complete(items, completeWith, ctx) : items;
  };
}

/** `weight`: what each of the field's calls counts against the operation's cost budget (@cost). */
export function createRestResolver(plan: RestFieldPlan, config: ServiceConfig, completeWith: EntityOwner | undefined, weight = 1): Resolver {
  if (plan.pagination) return createPaginatedResolver(plan, config, weight, completeWith);
  if (plan.batch) {
    const batched = createBatchedResolver(plan, config, completeWith, weight);
    GENERATED_RESOLVERS.add(batched);
    READ_ONLY_RESOLVERS.add(batched);
    return batched;
  }
  const { service, method, returns } = plan;
  const returnsBoolean = returns.named === 'Boolean' && !returns.list;
  const resolver: Resolver = async (parent, args, ctx) => {
    const scope: TemplateScope = { args, parent };
    const path = plan.path(scope);
    if (path === undefined) return null; // a parent without the value the path needs has nothing to fetch
    const res = await ctx.rest.call(service, method, plan.query ? path + plan.query(scope) : path, plan.body?.(scope), weight, plan.headers?.(scope), plan.route);
    if (res.status < 200 || res.status > 299) throw restError(service, res.status, res.body, config.errors);
    if (plan.value) return plan.value({ args, parent, response: { status: res.status, headers: res.headers ?? {}, body: res.body } }) ?? null;
    if (returnsBoolean) return true;
    let value: unknown = res.body ?? null;
    if (plan.select) value = readPath(value, plan.select) ?? null;
    if (plan.map) value = mapEach(value, plan.map);
    return completeWith && value !== null ? complete(value, completeWith, ctx) : value;
  };
  GENERATED_RESOLVERS.add(resolver);
  if (method === 'GET') READ_ONLY_RESOLVERS.add(resolver);
  return resolver;
}
