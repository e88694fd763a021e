// Records each GraphQL operation in the gateway's metrics once its result is known: its name (bounded),
// its type, the time since its request arrived, the codes of its errors, its cost estimate and the REST
// calls it made. Results refused before execution count too: a document that does not parse as
// type "unknown".
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { GatewayMetrics } from '../../metrics/gateway-metrics.ts';
import type { ResolverContext } from '../../resolvers/resolver-context.ts';
import type { ServerContext } from '../server-context.ts';
import type { CostContext } from './use-operation-limits.ts';

export function useMetrics(metrics: GatewayMetrics): Plugin<ResolverContext & CostContext, ServerContext> {
  return {
    onParams({ params, context }) {
      context.operation = { name: params.operationName, type: 'unknown' };
    },
    // Validation sees every parsed document, executed or not: the operation's own name and type.
    onValidate({ params, context }) {
      const { operation } = context as unknown as ServerContext;
      const ast = operation && getOperationAST(params.documentAST, operation.name);
      if (!operation || !ast) return;
      operation.type = ast.operation;
      operation.name ??= ast.name?.value;
    },
    onExecute({ args }) {
      const context = args.contextValue;
      const { operation } = context as unknown as ServerContext;
      if (operation) operation.context = context;
    },
    onResultProcess({ result, serverContext }) {
      const { operation } = serverContext;
      if (!operation || Array.isArray(result) || Symbol.asyncIterator in result) return;
      serverContext.operation = undefined;
      const codes = result.errors?.map((e) => e.extensions?.code) ?? [];
      const seconds = serverContext.startedAt === undefined ? 0 : (performance.now() - serverContext.startedAt) / 1000;
      metrics.operation(operation.name, operation.type, seconds, codes);
      const context = operation.context as (ResolverContext & CostContext) | undefined;
      if (context?.costEstimate) metrics.operationCost(context.costEstimate.calls);
      if (context) metrics.operationCalls(context.rest.spent);
    },
  };
}
