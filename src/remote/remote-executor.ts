// How a delegated request reaches a GraphQL service: through the request's RestScope, so the same
// upstream layer carries it as any REST call (pools, timeouts, breakers, identity headers, request id,
// trace, the operation's call budget and deadline; each HTTP request counts as one call). Queries go as
// GETs by default: retried like any GET and deduplicated within the request, and never a POST sent
// twice. The delegations that reach it in one tick (a level's lookups, which the level scheduler
// dispatches together) are merged into one HTTP request (@graphql-tools/batch-execute).
import { createBatchingExecutor } from '@graphql-tools/batch-execute';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { GraphQLError, print } from 'graphql';
import type { ServiceConfig } from '../config/config-schema.ts';
import { gatewayGraphQLError } from '../errors.ts';
import type { ResolverContext } from '../resolvers/resolver-context.ts';
import type { UpstreamResponse } from '../upstream/messages.ts';

/** The service's answer as a GraphQL result; each of its errors names the service and carries a code. */
function toResult(service: string, res: UpstreamResponse): ExecutionResult {
  const body = res.body as ExecutionResult | undefined;
  const isResult = body !== null && typeof body === 'object' && ('data' in body || Array.isArray(body.errors));
  if (!isResult) throw gatewayGraphQLError('UPSTREAM_ERROR', `${service} service answered ${res.status} without a GraphQL result`, service);
  if (!body.errors?.length) return body;
  return {
    ...body,
    errors: body.errors.map((e) => {
      const given = (e.extensions ?? {}) as Record<string, unknown>;
      const code = typeof given.code === 'string' ? given.code : 'UPSTREAM_ERROR';
      return new GraphQLError(typeof e.message === 'string' ? e.message : `${service} service error`, { path: e.path, extensions: { ...given, code, service } });
    }),
  };
}

export function remoteExecutor(service: string, config: ServiceConfig): Executor {
  const graphql = config.graphql!;
  const endpoint = graphql.path;
  const send = async (request: ExecutionRequest): Promise<ExecutionResult> => {
    const { rest } = request.context as ResolverContext;
    const query = print(request.document); // a new document per delegation: nothing to cache
    const variables = request.variables && Object.keys(request.variables).length > 0 ? request.variables : undefined;
    if (request.operationType === 'mutation') {
      return toResult(service, await rest.call(service, 'POST', endpoint, { query, variables, operationName: request.operationName }, 1, undefined, endpoint));
    }
    if (graphql.queryMethod === 'GET') {
      const params = new URLSearchParams({ query });
      if (variables) params.set('variables', JSON.stringify(variables));
      if (request.operationName) params.set('operationName', request.operationName);
      const path = `${endpoint}?${params}`;
      if (path.length <= config.maxUrlLength) return toResult(service, await rest.call(service, 'GET', path, undefined, 1, undefined, endpoint));
    }
    return toResult(service, await rest.postRead(service, endpoint, { query, variables, operationName: request.operationName }));
  };
  const batchingKey = {}; // this executor's per-request batching executor, in the request's scope
  return (request) => {
    const context = request.context as ResolverContext | undefined;
    if (!context?.rest) throw gatewayGraphQLError('INTERNAL_SERVER_ERROR', `a request to ${service} outside a gateway request`, service);
    // The end of the tick: the lookups of a level reach here together (their loaders are dispatched by
    // the level scheduler); waiting for the level again would wait for the REST calls they go beside.
    const batching = context.rest.perRequest(batchingKey, () => createBatchingExecutor(send));
    return batching(request);
  };
}
