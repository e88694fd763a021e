// A REST answer that holds entities another service owns (a list of movies from a search endpoint, a
// page of them) carries only part of each; the owner's loader completes them, batched per request.
import type { EntityOwner, EntityRecord } from '../loaders/batch-load.ts';
import type { ResolverContext } from './resolver-context.ts';

/** Merges each partial record with the owner's full record; an entity the owner does not have is null. */
export async function complete(value: unknown, owner: EntityOwner, ctx: ResolverContext): Promise<unknown> {
  const loader = ctx.rest.entity(owner.typeName);
  const one = async (item: unknown): Promise<EntityRecord | null> => {
    if (item === null || typeof item !== 'object') return null;
    const partial = item as EntityRecord;
    const full = await loader.load(String(partial[owner.keyField]));
    return full === null ? null : { ...partial, ...full };
  };
  return Array.isArray(value) ? Promise.all(value.map(one)) : one(value);
}
