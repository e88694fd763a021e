// The GraphQL endpoint: Yoga over the stitched schema. Plugins run in the order listed: the body-size
// and JSON-only guards first (from the headers, before any body is read), authentication, the
// per-operation rate limit, then graphql-jit execution and the dev-mode upstream trace around it.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from '../auth/authenticate.ts';
import { identityHeaders } from '../auth/identity-headers.ts';
import type { Identity } from '../auth/identity.ts';
import type { GatewayConfig } from '../config/config-schema.ts';
import type { EntityOwner } from '../loaders/batch-load.ts';
import { RestScope } from '../loaders/rest-scope.ts';
import type { Logger } from '../logger.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { ResolverContext } from '../schema/resolver-context.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { renderLocalGraphiQL } from './graphiql.ts';
import { createMaskError } from './mask-error.ts';
import { useAuthentication } from './plugins/use-authentication.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useRateLimit } from './plugins/use-rate-limit.ts';
import { useJsonPostOnly } from './plugins/use-json-post-only.ts';
import { useUpstreamTrace } from './plugins/use-upstream-trace.ts';

/** Passed by the HTTP server with each request; useAuthentication adds the identity. */
export interface ServerContext {
  requestId: string;
  identity?: Identity | undefined;
}

export type GatewayYoga = YogaServerInstance<ServerContext, ResolverContext>;

export interface CreateYogaOptions {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  limiter: RateLimiter | undefined;
  clientAddress: (req: IncomingMessage) => string;
  owners: ReadonlyMap<string, EntityOwner>;
  upstream: UpstreamClient;
  config: GatewayConfig;
  logger: Logger;
}

export function createGatewayYoga({ schema, authenticate, limiter, clientAddress, owners, upstream, config, logger }: CreateYogaOptions): GatewayYoga {
  const trace = config.graphql.devExtensions;
  const origins = config.cors.origins;
  return createYoga<ServerContext, ResolverContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: ({ requestId, identity }) => ({
      identity,
      rest: new RestScope(upstream, owners, requestId, trace, identity && ((service) => identityHeaders(identity, config.services[service]!, config.auth.identityHeaders))),
    }),
    graphiql: config.graphql.graphiql ? { defaultQuery: EXAMPLE_QUERY } : false,
    renderGraphiQL: renderLocalGraphiQL,
    // Yoga reflects any Origin by default; the gateway answers CORS only for configured origins.
    // Browsers may read the request id, the Bearer challenge and the rate-limit headers.
    cors: origins.length > 0
      ? {
          origin: origins,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'authorization', 'x-request-id'],
          exposedHeaders: ['x-request-id', 'www-authenticate', 'retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'],
          maxAge: 600,
        }
      : false,
    maskedErrors: { maskError: createMaskError(logger), isDev: false },
    maxRequestBodySize: false, // useBodyLimit below enforces graphql.maxBodyBytes from the headers
    multipart: false,
    batching: false,
    landingPage: false,
    healthCheckEndpoint: '/graphql/healthz', // the gateway's own /healthz is served by the router
    logging: yogaLogging(logger),
    // graphql-jit compiles each operation once (cached per parsed document, which Yoga's parser cache
    // bounds) into plain JavaScript: the biggest single saving in execution time.
    plugins: [
      useBodyLimit({ maxBytes: config.graphql.maxBodyBytes }),
      useJsonPostOnly(),
      useAuthentication(authenticate),
      ...(limiter ? [useRateLimit(limiter, config.rateLimit.operation, clientAddress)] : []),
      useGraphQlJit(),
      ...(trace ? [useUpstreamTrace()] : []),
    ],
  });
}

/** Yoga's log calls, into the gateway's logger; levels that are off cost nothing (Yoga debug-logs every request). */
function yogaLogging(logger: Logger) {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') =>
    logger.enabled(level) ? (...args: unknown[]) => logger[level](String(args[0]), { detail: args.slice(1).map(String) }) : () => {};
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const EXAMPLE_QUERY = /* GraphQL */ `# Users from the users service, their favorite movies from the movies service,
# and each movie's director from the users service again: three REST calls in all
# (see "extensions.upstream" in the result).
{
  users(limit: 5) {
    id
    name
    favoriteMovies {
      title
      year
      director {
        name
      }
    }
  }
}
`;
