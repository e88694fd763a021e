// @discriminator: how a REST answer, which carries no __typename, picks its member of a union or its
// implementation of an interface. Read from the AST after validateSDL.
import { parse, Source, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { directiveArgs, findDirective } from './rest-directives.ts';

export const DISCRIMINATOR_DIRECTIVE_SDL = /* GraphQL */ `
  """
  How a REST answer picks its type. Either by a field's value: field: "kind", values: { person: "Person",
  robot: "Robot" } (without \`values\`, the field holds the type name itself, as "__typename" would);
  or by the fields only one member has: fields: { Person: "birthDate", Robot: "serialNumber" } (the first
  member whose field is present in the answer). An answer that matches no member makes the field null
  with UPSTREAM_ERROR.
  """
  directive @discriminator(field: String, values: RestTemplate, fields: RestTemplate) on UNION | INTERFACE
`;

export const discriminatorDirectiveDocument: DocumentNode = parse(new Source(DISCRIMINATOR_DIRECTIVE_SDL, 'discriminator-directive.graphql'));

export interface DiscriminatorDirective {
  field: string | undefined;
  values: unknown;
  fields: unknown;
  node: ConstDirectiveNode;
}

export function readDiscriminator(directives: readonly ConstDirectiveNode[] | undefined): DiscriminatorDirective | undefined {
  const node = findDirective(directives, 'discriminator');
  if (!node) return undefined;
  const a = directiveArgs(node);
  return { field: typeof a.field === 'string' ? a.field : undefined, values: a.values ?? undefined, fields: a.fields ?? undefined, node };
}
