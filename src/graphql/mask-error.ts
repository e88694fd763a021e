// The last stop for every GraphQL error: coded errors (ours, and Yoga's parse/validation errors) leave
// as they are, graphql-js's uncoded ones get a code, and anything else is a gateway bug, logged and
// sent as a bare INTERNAL_SERVER_ERROR, never with a stack or an internal message.
import { GraphQLError } from 'graphql';
import { gatewayGraphQLError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export function createMaskError(logger: Logger): (error: unknown, message: string) => Error {
  return (error) => {
    if (error instanceof GraphQLError) {
      const original = error.originalError;
      if (!original || original instanceof GraphQLError) {
        // graphql-jit's errors may carry no extensions object at all.
        const extensions = error.extensions ?? {};
        if (extensions.code !== undefined) return error;
        // graphql-js's own errors (a value of the wrong type from a service, a bad variable) carry no
        // code: every error leaves with one.
        return new GraphQLError(error.message, { nodes: error.nodes, path: error.path, extensions: { ...extensions, code: error.path ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } });
      }
      logger.error('unexpected error in a resolver', { path: error.path?.join('.'), error: original.stack ?? String(original) });
      const masked = gatewayGraphQLError('INTERNAL_SERVER_ERROR', 'Unexpected error.');
      return new GraphQLError(masked.message, { nodes: error.nodes, path: error.path, extensions: masked.extensions });
    }
    logger.error('unexpected error', { error: (error as Error)?.stack ?? String(error) });
    return gatewayGraphQLError('INTERNAL_SERVER_ERROR', 'Unexpected error.');
  };
}
