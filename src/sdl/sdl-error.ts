// Start-up errors that point into an SDL file: "schema/users.graphql:12:3: <what is wrong>".
import { getLocation, type ASTNode, type GraphQLError } from 'graphql';
import { ConfigError } from '../errors.ts';

export function sdlError(node: ASTNode | undefined | null, message: string, fallbackFile?: string): ConfigError {
  const loc = node?.loc;
  if (!loc) return new ConfigError(`${fallbackFile ?? 'schema'}: ${message}`);
  const { line, column } = getLocation(loc.source, loc.start);
  return new ConfigError(`${loc.source.name}:${line}:${column}: ${message}`);
}

/** graphql-js validation/parse errors, one per line, each at file:line:col. */
export function fromGraphQLErrors(errors: readonly GraphQLError[], file: string): ConfigError {
  const lines = errors.map((e) => {
    const at = e.locations?.[0];
    const name = e.source?.name ?? file;
    return at ? `${name}:${at.line}:${at.column}: ${e.message}` : `${name}: ${e.message}`;
  });
  return new ConfigError(lines.join('\n'));
}
