// Every directive the gateway defines, in one document: SDL files are validated against it, and its
// names are the usages stripped from the public schema. Deriving the names from the definitions keeps
// the two from drifting apart when a directive is added.
import { concatAST, Kind, type DocumentNode } from 'graphql';
import { authDirectivesDocument } from './auth-directives.ts';
import { costDirectivesDocument } from './cost-directives.ts';
import { discriminatorDirectiveDocument } from './discriminator-directive.ts';
import { rateLimitDirectiveDocument } from './rate-limit-directive.ts';
import { restDirectivesDocument } from './rest-directives.ts';

export const gatewayDirectivesDocument: DocumentNode = concatAST([
  restDirectivesDocument,
  authDirectivesDocument,
  rateLimitDirectiveDocument,
  costDirectivesDocument,
  discriminatorDirectiveDocument,
]);

export const GATEWAY_DIRECTIVE_NAMES: ReadonlySet<string> = new Set(
  gatewayDirectivesDocument.definitions.flatMap((d) => (d.kind === Kind.DIRECTIVE_DEFINITION ? [d.name.value] : [])),
);
