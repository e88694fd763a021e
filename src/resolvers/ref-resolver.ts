// The generated resolver of an @ref field: key(s) from the parent or the arguments → the owning
// service's entity loader (one batch call per request tick), in key order.
import type { GraphQLFieldResolver } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';
import type { EntityOwner, EntityRecord } from '../loaders/batch-load.ts';
import type { ReturnShape, RefFieldPlan } from '../sdl/plan-subgraph.ts';
import { GENERATED_RESOLVERS, REF_RESOLUTIONS, type ResolverContext } from './resolver-context.ts';
import type { TemplateScope } from '../sdl/template.ts';

type Resolver = GraphQLFieldResolver<Record<string, unknown>, ResolverContext, Record<string, unknown>>;

/** Resolves keys to entities; missing entities are left out of a list of non-null items, else null. */
export async function loadEntities(ctx: ResolverContext, owner: EntityOwner, keys: unknown[], returns: ReturnShape): Promise<Array<EntityRecord | null>> {
  const items = await ctx.rest.entity(owner.typeName).loadMany(keys.map(String));
  const out: Array<EntityRecord | null> = [];
  for (const item of items) {
    if (item instanceof Error) throw item;
    if (item !== null || !returns.nonNullItem) out.push(item);
  }
  return out;
}

export async function loadEntity(ctx: ResolverContext, owner: EntityOwner, key: unknown): Promise<EntityRecord> {
  const item = await ctx.rest.entity(owner.typeName).load(String(key));
  if (item === null) throw gatewayGraphQLError('NOT_FOUND', `${owner.typeName} ${String(key).slice(0, 100)} not found`, owner.service);
  return item;
}

export function createRefResolver(plan: RefFieldPlan, owner: EntityOwner): Resolver {
  const { key, returns } = plan;
  const resolver: Resolver = returns.list
    ? (parent, args, ctx) => {
        const keys = key({ parent, args } as TemplateScope);
        if (!Array.isArray(keys)) return returns.nonNull ? [] : null;
        return loadEntities(ctx, owner, keys, returns);
      }
    : (parent, args, ctx) => {
        const value = key({ parent, args } as TemplateScope);
        if (value === null || value === undefined) return null;
        return loadEntity(ctx, owner, value);
      };
  GENERATED_RESOLVERS.add(resolver);
  REF_RESOLUTIONS.set(resolver, { plan, owner });
  return resolver;
}
