// The cost directives of the GraphQL Cost Directives specification (as IBM and Apollo adopted them),
// read in REST terms: @cost weighs the REST calls a field (or, on an entity type, each batch call that
// loads it) makes; @listSize says how long a list can be. Read from the AST after validateSDL.
import { parse, Source, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { directiveArgs, findDirective } from './rest-directives.ts';

export const COST_DIRECTIVES_SDL = /* GraphQL */ `
  """
  Each REST call this field makes counts as \`weight\` calls against the operation's cost budget; on an
  entity type, each batch call that loads it does. Default 1.
  """
  directive @cost(weight: Int!) on FIELD_DEFINITION | OBJECT

  """
  The size of the list this field returns, for the cost estimate: the value of the slicing argument the
  operation gives (the largest, if several), else \`assumedSize\`. With \`sizedFields\`, the size applies to
  those fields of the returned object instead (a connection's "edges"). With
  \`requireOneSlicingArgument\` (the default), an operation must give exactly one slicing argument (an
  argument's default value counts).
  """
  directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
`;

export const costDirectivesDocument: DocumentNode = parse(new Source(COST_DIRECTIVES_SDL, 'cost-directives.graphql'));

export interface ListSize {
  assumedSize: number | undefined;
  slicingArguments: string[];
  sizedFields: string[];
  requireOneSlicingArgument: boolean;
  /** Where it was declared; none for the size @paginate implies. */
  node: ConstDirectiveNode | undefined;
}

export function readCost(directives: readonly ConstDirectiveNode[] | undefined): { weight: number; node: ConstDirectiveNode } | undefined {
  const node = findDirective(directives, 'cost');
  return node && { weight: directiveArgs(node).weight as number, node };
}

export function readListSize(directives: readonly ConstDirectiveNode[] | undefined): ListSize | undefined {
  const node = findDirective(directives, 'listSize');
  if (!node) return undefined;
  const a = directiveArgs(node);
  return {
    assumedSize: typeof a.assumedSize === 'number' ? a.assumedSize : undefined,
    slicingArguments: (a.slicingArguments as string[] | null | undefined) ?? [],
    sizedFields: (a.sizedFields as string[] | null | undefined) ?? [],
    requireOneSlicingArgument: a.requireOneSlicingArgument !== false,
    node,
  };
}
