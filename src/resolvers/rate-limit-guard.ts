// Wraps a field's resolver with its @rateLimit budget: the first resolution of the field in an
// operation counts once against the caller's budget and decides for every other resolution of it in
// that operation. Over the budget the field is null with RATE_LIMITED and extensions.retryAfter, and no
// REST call is made for it.
import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver } from 'graphql';
import type { LimitConfig } from '../config/config-schema.ts';
import { withoutStack } from '../errors.ts';
import { limitRefusal } from '../rate-limit/limit-headers.ts';
import { limitKey, type RateLimiter } from '../rate-limit/rate-limiter.ts';
import { GENERATED_RESOLVERS, GUARDED_RESOLUTIONS, type ResolverContext } from './resolver-context.ts';

type Resolver = GraphQLFieldResolver<unknown, ResolverContext, Record<string, unknown>>;

export function rateLimitResolver(where: string, limit: LimitConfig, inner: Resolver | undefined, limiter: RateLimiter): Resolver {
  const resolve = inner ?? (defaultFieldResolver as Resolver);
  const what = `field:${where}`;
  const check = async (_args: Record<string, unknown>, context: ResolverContext): Promise<void> => {
    const decisions = (context.fieldLimits ??= new Map());
    let pending = decisions.get(where);
    if (!pending) {
      pending = limiter.check(limitKey(context.identity?.subject, context.clientAddress ?? ''), what, limit);
      decisions.set(where, pending);
    }
    const decision = await pending;
    if (!decision.allowed) {
      const { code, message } = limitRefusal(decision, where);
      throw withoutStack(() => new GraphQLError(message, { extensions: { code, retryAfter: decision.resetSeconds } }));
    }
  };
  const limited: Resolver = async (source, args, context, info) => {
    await check(args, context);
    return resolve(source, args, context, info);
  };
  GENERATED_RESOLVERS.add(limited);
  GUARDED_RESOLUTIONS.set(limited, { before: check, inner });
  return limited;
}
