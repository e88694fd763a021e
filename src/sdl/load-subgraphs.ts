// Reads each configured service's SDL file, parses it as a Source named after the file (so every error
// points at file:line:col) and validates it against the gateway's directive definitions (REST, access, rate limit, cost, discriminator).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { buildASTSchema, concatAST, GraphQLError, parse, Source, type DocumentNode, type GraphQLSchema } from 'graphql';
import { validateSDL } from 'graphql/validation/validate.js';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';
import { gatewayDirectivesDocument } from './directives/gateway-directives.ts';
import { fromGraphQLErrors } from './sdl-error.ts';

export interface LoadedSubgraph {
  service: string;
  /** The file as shown in messages (relative to the working directory when inside it). */
  file: string;
  /** The file's own definitions. */
  document: DocumentNode;
  /** The file built alone, with the directive definitions: for type information while planning. */
  schema: GraphQLSchema;
}

export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

export function loadSubgraph(service: string, config: ServiceConfig): LoadedSubgraph {
  const path = config.schema as string;
  const file = displayPath(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the SDL of service "${service}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let document: DocumentNode;
  try {
    document = parse(new Source(text, file));
  } catch (err) {
    if (err instanceof GraphQLError) throw fromGraphQLErrors([err], file);
    throw err;
  }
  const withDirectives = concatAST([gatewayDirectivesDocument, document]);
  const errors = validateSDL(withDirectives);
  if (errors.length > 0) throw fromGraphQLErrors(errors, file);
  const schema = buildASTSchema(withDirectives, { assumeValidSDL: true });
  return { service, file, document, schema };
}
