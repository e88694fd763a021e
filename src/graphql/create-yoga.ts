// The GraphQL endpoint: Yoga over the stitched schema. Plugins run in the order listed: the body-size,
// JSON-only and CSRF guards first (from the headers, before any body is read), authentication, the
// per-operation rate limit, introspection and suggestion control, the operation limits and cost budget
// (before any REST call), then graphql-jit execution and the dev-mode extensions around it.
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { GraphQLSchema } from 'graphql';
import type { IncomingMessage } from 'node:http';
import type { Authenticate } from '../auth/authenticate.ts';
import type { GatewayConfig } from '../config/config-schema.ts';
import type { EntityOwner } from '../loaders/batch-load.ts';
import { RestScope } from '../loaders/rest-scope.ts';
import type { Logger } from '../logger.ts';
import { callHeaders } from '../policy/call-headers.ts';
import type { RateLimiter } from '../rate-limit/rate-limiter.ts';
import type { CostModel } from '../sdl/cost-model.ts';
import type { ResolverContext } from '../resolvers/resolver-context.ts';
import type { UpstreamClient } from '../upstream/upstream-client.ts';
import { renderLocalGraphiQL } from './graphiql.ts';
import { createMaskError } from './mask-error.ts';
import { operationSignal } from './operation-signal.ts';
import { useAuthentication } from './plugins/use-authentication.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useCompiledOperations } from './plugins/use-compiled-operations.ts';
import { useCsrfPrevention, CSRF_HEADERS } from './plugins/use-csrf-prevention.ts';
import { useHideSuggestions } from './plugins/use-hide-suggestions.ts';
import { useIntrospectionDisabled } from './plugins/use-introspection-control.ts';
import { useOperationLimits } from './plugins/use-operation-limits.ts';
import { useRateLimit } from './plugins/use-rate-limit.ts';
import { useJsonPostOnly } from './plugins/use-json-post-only.ts';
import { useMetrics } from './plugins/use-metrics.ts';
import { useCompression } from './plugins/use-compression.ts';
import { useTracing } from './plugins/use-tracing.ts';
import type { GatewayMetrics } from '../metrics/gateway-metrics.ts';
import { useUpstreamTrace } from './plugins/use-upstream-trace.ts';
import type { ServerContext } from './server-context.ts';

export type { ServerContext } from './server-context.ts';

export type GatewayYoga = YogaServerInstance<ServerContext, ResolverContext>;

export interface CreateYogaOptions {
  schema: GraphQLSchema;
  authenticate: Authenticate;
  limiter: RateLimiter | undefined;
  clientAddress: (req: IncomingMessage) => string;
  owners: ReadonlyMap<string, EntityOwner>;
  costModel: CostModel;
  upstream: UpstreamClient;
  config: GatewayConfig;
  logger: Logger;
  metrics?: GatewayMetrics | undefined;
  /** Whether requests carry spans (tracing on). */
  traced?: boolean;
}

export function createGatewayYoga({ schema, authenticate, limiter, clientAddress, owners, costModel, upstream, config, logger, metrics, traced }: CreateYogaOptions): GatewayYoga {
  const graphql = config.graphql;
  const trace = graphql.devExtensions;
  const origins = config.cors.origins;
  return createYoga<ServerContext, ResolverContext>({
    schema,
    graphqlEndpoint: '/graphql',
    context: ({ requestId, log, trace: requestTrace, identity, res, request }) => ({
      identity,
      rest: new RestScope(upstream, owners, {
        requestId,
        log,
        requestTrace,
        trace,
        headers: (service: string) => callHeaders(config.services[service]!, identity, config.auth.identityHeaders, (name) => request.headers.get(name) ?? undefined),
        maxCalls: graphql.cost.runtimeMaxCalls,
        signal: operationSignal(res, graphql.operationTimeoutMs),
        batchWaitMs: graphql.batchWaitMs,
      }),
    }),
    graphiql: config.graphql.graphiql ? { defaultQuery: EXAMPLE_QUERY } : false,
    renderGraphiQL: renderLocalGraphiQL,
    // Yoga reflects any Origin by default; the gateway answers CORS only for configured origins.
    // Browsers may read the request id, the Bearer challenge and the rate-limit headers.
    cors: origins.length > 0
      ? {
          origin: origins,
          methods: ['GET', 'POST'],
          allowedHeaders: ['content-type', 'authorization', 'x-request-id', ...CSRF_HEADERS],
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
    // bounds) into plain JavaScript; the queries the gateway can compile to their REST plan skip even
    // that, and fall back on it for anything irregular.
    plugins: [
      useBodyLimit({ maxBytes: graphql.maxBodyBytes }),
      useJsonPostOnly(),
      ...(graphql.csrfPrevention ? [useCsrfPrevention()] : []),
      useAuthentication(authenticate),
      ...(limiter ? [useRateLimit(limiter, config.rateLimit.operation, clientAddress)] : []),
      ...(graphql.introspection ? [] : [useIntrospectionDisabled()]),
      ...(graphql.fieldSuggestions ? [] : [useHideSuggestions()]),
      ...(graphql.limits.enabled ? [useOperationLimits({ limits: graphql.limits, cost: graphql.cost, costModel, ignoreIntrospectionDepth: graphql.introspection, logger })] : []),
      useGraphQlJit(),
      ...(graphql.compile ? [useCompiledOperations(graphql.compile, logger)] : []),
      ...(trace ? [useUpstreamTrace()] : []),
      ...(metrics ? [useMetrics(metrics)] : []),
      ...(traced ? [useTracing()] : []),
      ...(config.compression.enabled ? [useCompression(config.compression.threshold)] : []),
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
# (see "extensions.upstream" and "extensions.cost" in the result).
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
