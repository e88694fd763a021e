// What serves requests for one configuration: the stitched schema, the upstream client, the rate
// limiter, the token verifier, Yoga and the REST passthrough. A reload builds a new pipeline beside the
// one serving (a bad config or SDL file throws, and nothing changes), then the server swaps to it:
// requests that started keep the pipeline they started on. Services whose configuration did not change
// keep their pools and breakers, and an unchanged rate-limit configuration keeps its limiter and counts.
import type { GraphQLSchema } from 'graphql';
import { createAuthenticate } from './auth/authenticate.ts';
import { DEV_KEY_FILE, devVerification, loadDevKey } from './auth/dev-key.ts';
import { createTokenVerifier, type DevVerification } from './auth/token-verifier.ts';
import type { GatewayConfig } from './config/config-schema.ts';
import { ownedHeaderNames } from './config/load-config.ts';
import { createGatewayYoga, type GatewayYoga } from './graphql/create-yoga.ts';
import type { Logger } from './logger.ts';
import type { GatewayMetrics } from './metrics/gateway-metrics.ts';
import { createPassthroughGuard } from './passthrough/guard.ts';
import { createPassthrough, type Passthrough } from './passthrough/proxy.ts';
import { RateLimiter } from './rate-limit/rate-limiter.ts';
import type { RemoteSchemas } from './remote/remote-schema.ts';
import { buildGatewaySchema } from './schema/stitch.ts';
import { createClientAddress, createFromTrustedProxy } from './server/client-address.ts';
import { InFlight } from './server/drain.ts';
import type { Tracing } from './tracing/tracer.ts';
import { UpstreamClient } from './upstream/upstream-client.ts';

/** What outlives a reload: one logger, one metrics registry, one tracer. */
export interface Observability {
  logger: Logger;
  metrics: GatewayMetrics | undefined;
  tracing: Tracing | undefined;
}

export interface RequestPipeline {
  config: GatewayConfig;
  /** Its requests in flight (the server counts them). */
  inFlight: InFlight;
  schema: GraphQLSchema;
  upstream: UpstreamClient;
  limiter: RateLimiter | undefined;
  yoga: GatewayYoga;
  passthrough: Passthrough;
  /** The introspected schemas of its GraphQL services (a reload without new ones keeps these). */
  remoteSchemas: RemoteSchemas | undefined;
}

/** The development key, when no key is configured and the configuration allows it (never in production). */
function developmentKey(config: GatewayConfig, logger: Logger): DevVerification | undefined {
  const auth = config.auth;
  if (auth.keys.length > 0 || auth.jwks !== undefined) return undefined;
  if (!auth.devKey) {
    logger.warn('no token verification keys are configured: every request with a token is refused, anonymous requests are served');
    return undefined;
  }
  const key = loadDevKey();
  logger.info('tokens are verified with the development key; `npm run token -- --sub 1` mints one', { file: DEV_KEY_FILE, kid: key.kid });
  return devVerification(key);
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Builds the pipeline of `config`; throws ConfigError (naming file and line) when an SDL file is wrong. */
export function buildPipeline(config: GatewayConfig, { logger, metrics, tracing }: Observability, previous?: RequestPipeline, introspected?: RemoteSchemas): RequestPipeline {
  const remoteSchemas = introspected ?? previous?.remoteSchemas;
  const keepLimiter = previous !== undefined && same(previous.config.rateLimit, config.rateLimit);
  const limiter = keepLimiter ? previous.limiter : config.rateLimit.enabled ? new RateLimiter(config.rateLimit, logger, metrics) : undefined;
  try {
    const clientAddress = createClientAddress(config.rateLimit.trustedProxies);
    const { schema, owners, costModel } = buildGatewaySchema(config.services, { adminScope: config.auth.adminScope, limiter, ownedHeaders: (name) => ownedHeaderNames(config, config.services[name]!), remoteSchemas });
    const upstream = new UpstreamClient(config.services, logger, metrics, previous?.upstream, config.auth.identityHeaders);
    const authenticate = createAuthenticate(createTokenVerifier(config.auth, developmentKey(config, logger)), config.auth.maxTokenBytes);
    const yoga = createGatewayYoga({ schema, authenticate, limiter, clientAddress, owners, costModel, upstream, config, logger, metrics, traced: tracing !== undefined });
    const guard = createPassthroughGuard({ config, authenticate, limiter, clientAddress });
    const passthrough = createPassthrough({ config, guard, upstream, fromTrustedProxy: createFromTrustedProxy(config.rateLimit.trustedProxies) });
    return { config, inFlight: new InFlight(), schema, upstream, limiter, yoga, passthrough, remoteSchemas };
  } catch (err) {
    if (!keepLimiter) void limiter?.close(); // a new limiter's Redis connection, for a pipeline that will not serve
    throw err;
  }
}

/** Closes what `old` had and `next` did not keep: pools of changed services (after their calls), a replaced limiter. */
export async function retirePipeline(old: RequestPipeline, next: RequestPipeline | undefined): Promise<void> {
  if (next) await old.upstream.retire(next.upstream);
  else await old.upstream.close();
  if (old.limiter !== next?.limiter) await old.limiter?.close();
}
