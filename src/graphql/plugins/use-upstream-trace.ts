// Dev mode: adds `extensions.upstream` to every result, the REST calls the operation made (service,
// method, path, status, ms) and their count, so a developer sees the cost of a query in GraphiQL.
import type { Plugin } from 'graphql-yoga';
import type { ResolverContext } from '../../schema/resolver-context.ts';

export function useUpstreamTrace(): Plugin<ResolverContext> {
  return {
    onExecute({ args }) {
      const calls = args.contextValue.rest.calls;
      if (!calls) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, upstream: { calls: calls.length, requests: calls } } });
        },
      };
    },
  };
}
