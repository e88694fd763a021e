// Fields that return a union or an interface: the REST answer carries no __typename, so the field's
// resolver picks each value's type with the type's @discriminator and tags it, and a value that matches
// no member fails that field alone with UPSTREAM_ERROR. The schema's resolveType only reads the tag and
// never throws: graphql-jit calls it outside any error handler, where a throw ends the process.
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLTypeResolver } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';
import type { Discriminator } from '../sdl/plan-discriminator.ts';
import { GENERATED_RESOLVERS, type ResolverContext } from './resolver-context.ts';

type Resolver = GraphQLFieldResolver<unknown, ResolverContext, Record<string, unknown>>;

export const readTypeTag: GraphQLTypeResolver<unknown, unknown> = (value) => {
  const tag = value !== null && typeof value === 'object' ? (value as { __typename?: unknown }).__typename : undefined;
  return typeof tag === 'string' ? tag : undefined;
};

export function typeTaggingResolver(where: string, discriminator: Discriminator, inner: Resolver | undefined, service: string | undefined): Resolver {
  const resolve = inner ?? (defaultFieldResolver as Resolver);
  const tag = (value: unknown): unknown => {
    if (value === null || value === undefined || typeof value !== 'object') return value;
    if (Array.isArray(value)) {
      for (const item of value) tag(item);
      return value;
    }
    const record = value as Record<string, unknown>;
    const name = discriminator.pick(record);
    if (name === undefined) {
      throw gatewayGraphQLError('UPSTREAM_ERROR', `${service ?? 'the'} service answered ${where} with a value that is none of ${discriminator.typeName}'s types (${discriminator.describe(record)})`, service);
    }
    // Answers are parsed per request (and shared only within it), so tagging in place is safe.
    record.__typename = name;
    return record;
  };
  const tagged: Resolver = (source, args, context, info) => {
    const result = resolve(source, args, context, info);
    return result instanceof Promise ? result.then(tag) : tag(result);
  };
  GENERATED_RESOLVERS.add(tagged);
  return tagged;
}
