// @rateLimit in the SDL: a budget per identity for a field, counted once per operation that asks for
// it (a field under a list is not counted per item). Read from the AST after validateSDL.
import { parse, Source, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { directiveArgs, findDirective } from './rest-directives.ts';

export const RATE_LIMIT_DIRECTIVE_SDL = /* GraphQL */ `
  """
  At most \`max\` operations per \`window\` ("10s", "1m", "500ms") may ask for this field, per caller (the
  token's subject, else the client address). Over it, the field is null with RATE_LIMITED and
  extensions.retryAfter, and the rest of the query still resolves.
  """
  directive @rateLimit(max: Int!, window: String!) on FIELD_DEFINITION
`;

export const rateLimitDirectiveDocument: DocumentNode = parse(new Source(RATE_LIMIT_DIRECTIVE_SDL, 'rate-limit-directive.graphql'));

export interface FieldRateLimit {
  max: number;
  window: string;
  node: ConstDirectiveNode;
}

export function readRateLimit(directives: readonly ConstDirectiveNode[] | undefined): FieldRateLimit | undefined {
  const node = findDirective(directives, 'rateLimit');
  if (!node) return undefined;
  const a = directiveArgs(node);
  return { max: a.max as number, window: a.window as string, node };
}
