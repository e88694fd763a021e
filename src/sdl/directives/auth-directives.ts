// The authorization directives of the SDL files: who may read a field (or any field returning a type),
// and the owner rule for writes. Read from the AST after validateSDL has checked them against this SDL.
import { parse, Source, type ConstDirectiveNode, type DocumentNode } from 'graphql';
import { describeScopes } from '../../auth/identity.ts';
import { findDirective, valueFromLiteral } from './rest-directives.ts';

export const AUTH_DIRECTIVES_SDL = /* GraphQL */ `
  """
  The field needs an authenticated caller; on a type, every field that returns the type does. A refused
  field is null with UNAUTHENTICATED, and the rest of the query still resolves.
  """
  directive @authenticated on FIELD_DEFINITION | OBJECT

  """
  The caller must hold every scope of at least one set (OR of ANDs): [["movies:write"], ["admin"]].
  On a type, every field that returns the type needs them. A refused field is null with FORBIDDEN.
  """
  directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION | OBJECT

  """
  Only the caller whose token subject (sub) equals this argument may call the field, or a caller with
  the admin scope (auth.adminScope). A dotted path ("input.userId") reads into an input object.
  """
  directive @owner(argument: String!) on FIELD_DEFINITION
`;

export const authDirectivesDocument: DocumentNode = parse(new Source(AUTH_DIRECTIVES_SDL, 'auth-directives.graphql'));

/** What one field or type declares. Every part must hold: each scope requirement is itself OR of ANDs. */
export interface AccessPolicy {
  authenticated: boolean;
  scopes: string[][][];
  /** The argument path that must equal the caller's subject. */
  owner: string[] | undefined;
  /** Where it was declared, for start-up errors. */
  node: ConstDirectiveNode;
}

/** The policy the directives on a field or type declare, or undefined when they declare none. */
export function readPolicy(directives: readonly ConstDirectiveNode[] | undefined): AccessPolicy | undefined {
  const authenticated = findDirective(directives, 'authenticated');
  const scopes = findDirective(directives, 'requiresScopes');
  const owner = findDirective(directives, 'owner');
  const node = authenticated ?? scopes ?? owner;
  if (!node) return undefined;
  const arg = (d: ConstDirectiveNode, name: string): unknown => {
    const a = d.arguments?.find((x) => x.name.value === name);
    return a ? valueFromLiteral(a.value) : undefined;
  };
  return {
    authenticated: true, // every rule here needs to know who the caller is
    scopes: scopes ? [arg(scopes, 'scopes') as string[][]] : [],
    owner: owner ? String(arg(owner, 'argument')).split('.') : undefined,
    node,
  };
}

/** The rule in one sentence, for the field's description. */
export function describePolicy(policy: AccessPolicy, adminScope: string): string {
  const parts = policy.scopes.map((sets) => `the scope ${describeScopes(sets)}`);
  let text = parts.length > 0 ? `Access: needs ${parts.join(', and ')}` : 'Access: needs an authenticated caller';
  if (policy.owner) text += `; "${policy.owner.join('.')}" must be the caller's own id unless they hold ${adminScope}`;
  return `${text}.`;
}

/** Both policies hold. */
export function combinePolicies(a: AccessPolicy | undefined, b: AccessPolicy | undefined): AccessPolicy | undefined {
  if (!a || !b) return a ?? b;
  return { authenticated: a.authenticated || b.authenticated, scopes: [...a.scopes, ...b.scopes], owner: a.owner ?? b.owner, node: a.node };
}
