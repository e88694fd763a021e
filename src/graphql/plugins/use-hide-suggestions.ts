// Removes graphql-js's hints ("Did you mean "user"?", "Did you mean the enum value "DRAMA"?") from every
// message of a response: in production they would let anyone read the schema that introspection hides.
// Validation errors are reworded as validation ends (before Yoga caches them), the rest as the result
// leaves (variable coercion happens during execution).
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

export function withoutSuggestions(message: string): string {
  return message.includes('Did you mean') ? message.replace(SUGGESTION, '').trim() : message;
}

function scrub(errors: ReadonlyArray<GraphQLError | Error> | undefined): void {
  for (const error of errors ?? []) {
    if (error.message.includes('Did you mean')) error.message = withoutSuggestions(error.message);
  }
}

export function useHideSuggestions(): Plugin {
  // The same hook objects for every request: nothing is allocated per operation.
  const afterValidate = ({ valid, result }: { valid: boolean; result: ReadonlyArray<GraphQLError | Error> }): void => {
    if (!valid) scrub(result);
  };
  const afterExecute = {
    onExecuteDone({ result }: { result: { errors?: ReadonlyArray<GraphQLError | Error> } | AsyncIterable<unknown> }): void {
      if (!(Symbol.asyncIterator in result)) scrub(result.errors);
    },
  };
  return {
    onValidate: () => afterValidate,
    onExecute: () => afterExecute,
  };
}
