// Wraps a field's resolver with its access policy, checked before the resolver runs, so a refused
// field makes no REST call and comes back null with UNAUTHENTICATED or FORBIDDEN while the rest of the
// query resolves. The messages are built once, at schema build.
import { defaultFieldResolver, type GraphQLFieldResolver } from 'graphql';
import { describeScopes, holdsScopes } from '../auth/identity.ts';
import { checkRouteAccess } from '../auth/route-access.ts';
import type { RouteAccess } from '../config/config-schema.ts';
import { gatewayGraphQLError } from '../errors.ts';
import { readPath } from '../read-path.ts';
import type { AccessPolicy } from '../sdl/directives/auth-directives.ts';
import { GENERATED_RESOLVERS, GUARDED_RESOLUTIONS, type ResolverContext } from './resolver-context.ts';

type Resolver = GraphQLFieldResolver<unknown, ResolverContext, Record<string, unknown>>;

export function guardResolver(where: string, policy: AccessPolicy, inner: Resolver | undefined, adminScope: string): Resolver {
  const resolve = inner ?? (defaultFieldResolver as Resolver);
  const unauthenticated = `${where} needs an authenticated caller: send a bearer token`;
  const forbidden = policy.scopes.map((sets) => `${where} needs the scope ${describeScopes(sets)}`);
  const owner = policy.owner;
  const notOwner = owner && `${where}: "${owner.join('.')}" must be the caller's own id (the token's sub), unless the caller holds the ${adminScope} scope`;
  const check = (args: Record<string, unknown>, context: ResolverContext): void => {
    const identity = context.identity;
    if (!identity) throw gatewayGraphQLError('UNAUTHENTICATED', unauthenticated);
    for (let i = 0; i < policy.scopes.length; i++) {
      if (!holdsScopes(identity, policy.scopes[i]!)) throw gatewayGraphQLError('FORBIDDEN', forbidden[i]!);
    }
    if (owner && String(readPath(args, owner)) !== identity.subject && !identity.scopes.has(adminScope)) {
      throw gatewayGraphQLError('FORBIDDEN', notOwner as string);
    }
  };
  const guarded: Resolver = (source, args, context, info) => {
    check(args, context);
    return resolve(source, args, context, info);
  };
  GENERATED_RESOLVERS.add(guarded);
  GUARDED_RESOLUTIONS.set(guarded, { before: check, inner });
  return guarded;
}

/**
 * A GraphQL service's root field under its configured rule (services.<name>.graphql.access): checked
 * before the delegation, so a refused field sends nothing to the service.
 */
export function guardRemoteRoot(where: string, access: RouteAccess, inner: Resolver | undefined, adminScope: string): Resolver {
  const resolve = inner ?? (defaultFieldResolver as Resolver);
  return (source, args, context, info) => {
    const refusal = checkRouteAccess(access, context.identity, where, '', adminScope);
    if (refusal) throw gatewayGraphQLError(refusal.code, refusal.message);
    return resolve(source, args, context, info);
  };
}

/** The rule in words, for the field's description in GraphiQL's docs. */
export function describeRouteAccess(access: RouteAccess): string {
  if (access === 'public') return 'Access: public.';
  if (access === 'authenticated') return 'Access: an authenticated caller.';
  return `Access: the scope ${describeScopes(access.scopes ?? [])}.`;
}
