// The per-operation rate limit for GraphQL, after authentication: each operation counts once against
// the caller's budget (by token subject, else by client address; anonymous callers have their own,
// smaller budget). Over it, the whole request is refused with HTTP 429, Retry-After and
// extensions.retryAfter; every answer carries the RateLimit-* headers. Field limits (@rateLimit in the
// SDL) are checked by their resolvers with the same limiter and the client address set here.
// The check runs when Yoga has the request's parameters: that step already waits for the body, so the
// limiter's own wait adds little, and the GraphiQL page (no parameters) is never counted.
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Identity } from '../../auth/identity.ts';
import type { IdentityBudgets } from '../../config/config-schema.ts';
import { HTTP_STATUS, withoutStack } from '../../errors.ts';
import { limitHeaders, limitRefusal } from '../../rate-limit/limit-headers.ts';
import { limitKey, type LimitDecision, type RateLimiter } from '../../rate-limit/rate-limiter.ts';

interface LimitedContext {
  req?: IncomingMessage;
  identity?: Identity | undefined;
  clientAddress?: string;
  operationLimit?: LimitDecision;
}

export function useRateLimit(limiter: RateLimiter, budgets: IdentityBudgets, clientAddress: (req: IncomingMessage) => string): Plugin<{}, LimitedContext> {
  return {
    onParams({ context, setResult }) {
      const address = context.req ? clientAddress(context.req) : '';
      context.clientAddress = address;
      const identity = context.identity;
      const budget = identity ? budgets.authenticated : budgets.anonymous;
      return limiter.check(limitKey(identity?.subject, address), 'graphql', budget).then((decision) => {
        context.operationLimit = decision;
        if (decision.allowed) return;
        const { code, message } = limitRefusal(decision, 'GraphQL operations');
        const error = withoutStack(() => new GraphQLError(message, { extensions: { code, retryAfter: decision.resetSeconds } }));
        setResult({ errors: [error], extensions: { http: { status: HTTP_STATUS[code], headers: limitHeaders(decision) } } });
      });
    },
    onResponse({ response, serverContext }) {
      const decision = serverContext.operationLimit;
      if (!decision?.allowed) return;
      for (const [name, value] of Object.entries(limitHeaders(decision))) response.headers.set(name, value);
    },
  };
}
