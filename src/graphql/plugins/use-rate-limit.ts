// The per-operation rate limit for GraphQL, after authentication, by the same step the passthrough's
// routes use (src/policy/limit-caller.ts): each operation counts once against the caller's budget (by
// token subject, else by client address; anonymous callers have their own, smaller budget). Over it,
// the whole request is refused with HTTP 429, Retry-After and extensions.retryAfter; every answer carries
// the RateLimit-* headers. Field limits (@rateLimit in the SDL) are checked by their resolvers with the
// same limiter and the client address set here.
// The check runs when Yoga has the request's parameters: that step already waits for the body, so the
// limiter's own wait adds little, and the GraphiQL page (no parameters) is never counted.
import type { IncomingMessage } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Identity } from '../../auth/identity.ts';
import type { IdentityBudgets } from '../../config/config-schema.ts';
import { HTTP_STATUS, withoutStack } from '../../errors.ts';
import { limitCaller } from '../../policy/limit-caller.ts';
import type { LimitDecision, RateLimiter } from '../../rate-limit/rate-limiter.ts';

interface LimitedContext {
  req?: IncomingMessage;
  identity?: Identity | undefined;
  clientAddress?: string;
  operationLimit?: { decision: LimitDecision; headers: Record<string, string> };
}

export function useRateLimit(limiter: RateLimiter, budgets: IdentityBudgets, clientAddress: (req: IncomingMessage) => string): Plugin<{}, LimitedContext> {
  return {
    onParams({ context, setResult }) {
      const address = context.req ? clientAddress(context.req) : '';
      context.clientAddress = address;
      return limitCaller(limiter, context.identity, address, 'graphql', budgets, 'GraphQL operations').then(({ decision, headers, refusal }) => {
        context.operationLimit = { decision, headers };
        if (!refusal) return;
        const error = withoutStack(() => new GraphQLError(refusal.message, { extensions: { code: refusal.code, ...refusal.extensions } }));
        setResult({ errors: [error], extensions: { http: { status: HTTP_STATUS[refusal.code], headers: refusal.headers } } });
      });
    },
    onResponse({ response, serverContext }) {
      const limit = serverContext.operationLimit;
      if (!limit?.decision.allowed) return;
      for (const [name, value] of Object.entries(limit.headers)) response.headers.set(name, value);
    },
  };
}
