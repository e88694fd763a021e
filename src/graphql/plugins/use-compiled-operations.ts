// Runs the operations the compiler covers (src/compiled/) on their compiled plan and answer builder instead
// of graphql-jit's resolver per field; every other operation, and any compiled run that meets something
// irregular, runs on the executor before it (graphql-jit) over the same request scope. Listed after
// useGraphQlJit, so the executor it replaces is that one. Each operation is compiled once per parsed
// document (Yoga's parser cache bounds them) and operation name.
// In "verify" mode (the test suite runs in it) every compiled answer is checked against graphql-js's
// own execution, the reference implementation, run with the same resolvers over the same request scope:
// its caches answer every call, so the check sends none. (Not against graphql-jit's: it orders the
// fields of fragments after the fields beside them, against the spec's CollectFields.)
import { execute, getVariableValues, type DocumentNode, type ExecutionArgs } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { compileOperation, type CompiledOperation } from '../../compiled/compile-operation.ts';
import { NEEDS_GENERAL_EXECUTOR, runCompiledOperation } from '../../compiled/run-operation.ts';
import { gatewayGraphQLError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { ResolverContext } from '../../resolvers/resolver-context.ts';

/** How an operation ran: compiled, replayed on the general executor after a compiled run, or only on it. */
export type ExecutionPath = 'compiled' | 'replayed' | 'general';

/** What the plugin leaves in the context (the dev-mode extensions show it). */
export interface ExecutionContext {
  execution?: ExecutionPath;
}

type Executor = (args: ExecutionArgs) => unknown;

export function useCompiledOperations(mode: true | 'verify', logger: Logger): Plugin<ResolverContext & ExecutionContext> {
  const compiledByDocument = new WeakMap<DocumentNode, Map<string, CompiledOperation | null>>();
  const lookup = (args: ExecutionArgs): CompiledOperation | null => {
    let byName = compiledByDocument.get(args.document);
    if (!byName) compiledByDocument.set(args.document, (byName = new Map()));
    const name = args.operationName ?? '';
    let compiled = byName.get(name);
    if (compiled === undefined) byName.set(name, (compiled = compileOperation(args.schema, args.document, args.operationName) ?? null));
    return compiled;
  };

  const run = async (compiled: CompiledOperation, general: Executor, execution: ExecutionArgs): Promise<unknown> => {
    const context = execution.contextValue as ResolverContext & ExecutionContext;
    const definitions = compiled.operation.variableDefinitions ?? [];
    let variables: Record<string, unknown> = {};
    if (definitions.length > 0) {
      const coerced = getVariableValues(execution.schema, definitions, execution.variableValues ?? {});
      if (coerced.errors) {
        context.execution = 'general'; // graphql-js words the refusal
        return general(execution);
      }
      variables = coerced.coerced;
    }
    let data: Record<string, unknown>;
    try {
      data = await runCompiledOperation(compiled, execution.rootValue, context, variables);
    } catch (err) {
      if (err !== NEEDS_GENERAL_EXECUTOR && !(err instanceof Error)) throw err;
      // Nobody reads the answer to a client that went away: not worth an error per field.
      if (context.rest.cancelled) return { errors: [gatewayGraphQLError('UPSTREAM_ERROR', 'the client went away; the operation was stopped')] };
      context.execution = 'replayed';
      return general(execution);
    }
    context.execution = 'compiled';
    if (mode !== 'verify') return { data };
    const expected = JSON.stringify(await execute(execution));
    const got = JSON.stringify({ data });
    if (got === expected) return { data };
    logger.error('the compiled answer differs from graphql-js\'s', { compiled: got.slice(0, 2000), graphqlJs: expected.slice(0, 2000) });
    return { errors: [gatewayGraphQLError('INTERNAL_SERVER_ERROR', 'the compiled answer differs from graphql-js\'s (see the log)')] };
  };

  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const compiled = lookup(args);
      if (!compiled) {
        (args.contextValue as ExecutionContext).execution = 'general';
        return;
      }
      const general = executeFn;
      setExecuteFn((execution: ExecutionArgs) => run(compiled, general, execution) as ReturnType<typeof executeFn>);
    },
  };
}
