// Dev mode: adds to every result `extensions.upstream`, the REST calls the operation made (service,
// method, path, status, ms) and their count, and `extensions.cost`, the operation's estimated worst case
// next to the calls it actually made, and `extensions.execution`, whether the operation ran compiled
// (see use-compiled-operations.ts), so a developer sees the cost of a query in GraphiQL.
import type { Plugin } from 'graphql-yoga';
import type { ResolverContext } from '../../resolvers/resolver-context.ts';
import type { ExecutionContext } from './use-compiled-operations.ts';
import type { CostContext } from './use-operation-limits.ts';

export function useUpstreamTrace(): Plugin<ResolverContext & CostContext & ExecutionContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const calls = context.rest.calls;
      if (!calls) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          const estimate = context.costEstimate;
          const cost = estimate && { estimated: { calls: estimate.calls, items: estimate.items }, actual: { calls: context.rest.spent } };
          setResult({ ...result, extensions: { ...result.extensions, upstream: { calls: calls.length, requests: calls }, ...(cost && { cost }), ...(context.execution && { execution: context.execution }) } });
        },
      };
    },
  };
}
