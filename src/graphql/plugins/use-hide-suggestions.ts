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
  return {
    onValidate: () => ({ valid, result }) => {
      if (!valid) scrub(result);
    },
    onExecute: () => ({
      onExecuteDone({ result }) {
        if (!(Symbol.asyncIterator in result)) scrub(result.errors);
      },
    }),
  };
}
