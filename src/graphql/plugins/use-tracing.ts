// Names a sampled GraphQL request's span after its operation ("query UserWithMovies", as OpenTelemetry's
// GraphQL conventions do) and records its type, name and the codes of its errors; the REST calls' spans
// are already under it (upstream-client.ts). Unsampled requests are left alone: nothing would be recorded.
import { SpanStatusCode } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../server-context.ts';

export function useTracing(): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onValidate({ params, context }) {
      const { trace } = context as unknown as ServerContext;
      if (!trace?.sampled) return;
      const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
      const ast = getOperationAST(params.documentAST, operationName);
      if (!ast) return;
      const name = ast.name?.value ?? operationName;
      trace.span.updateName(name ? `${ast.operation} ${name}` : ast.operation);
      trace.span.setAttribute('graphql.operation.type', ast.operation);
      if (name) trace.span.setAttribute('graphql.operation.name', name);
    },
    onResultProcess({ result, serverContext }) {
      const { trace } = serverContext;
      if (!trace?.sampled || Array.isArray(result) || Symbol.asyncIterator in result || !result.errors?.length) return;
      trace.span.setAttribute('graphql.error.codes', result.errors.map((e) => String(e.extensions?.code ?? 'NONE')));
      trace.span.setStatus({ code: SpanStatusCode.ERROR, message: result.errors[0]!.message.slice(0, 200) });
    },
  };
}
