// Names a GraphQL request's span after its operation ("query UserWithMovies", as OpenTelemetry's GraphQL
// conventions do) and records its type, name and the codes of its errors; the REST calls' spans are
// already under it (upstream-client.ts).
import { SpanStatusCode } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ServerContext } from '../server-context.ts';

export function useTracing(): Plugin<Record<string, unknown>, ServerContext> {
  return {
    onValidate({ params, context }) {
      const { span } = context as unknown as ServerContext;
      const operationName = (context as { params?: { operationName?: string | null } }).params?.operationName;
      const ast = span && getOperationAST(params.documentAST, operationName);
      if (!span || !ast) return;
      const name = ast.name?.value ?? operationName;
      span.updateName(name ? `${ast.operation} ${name}` : ast.operation);
      span.setAttribute('graphql.operation.type', ast.operation);
      if (name) span.setAttribute('graphql.operation.name', name);
    },
    onResultProcess({ result, serverContext }) {
      const span = serverContext.span;
      if (!span || Array.isArray(result) || Symbol.asyncIterator in result || !result.errors?.length) return;
      span.setAttribute('graphql.error.codes', result.errors.map((e) => String(e.extensions?.code ?? 'NONE')));
      span.setStatus({ code: SpanStatusCode.ERROR, message: result.errors[0]!.message.slice(0, 200) });
    },
  };
}
