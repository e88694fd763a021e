// Turns introspection off (the production default): graphql-js's NoSchemaIntrospectionCustomRule refuses
// __schema and __type in validation, __typename keeps working, and the refusal carries its own code.
import { NoSchemaIntrospectionCustomRule, type GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

const noIntrospection: ValidationRule = (context) =>
  NoSchemaIntrospectionCustomRule(
    Object.assign(Object.create(context) as typeof context, {
      reportError: (error: GraphQLError) => {
        (error.extensions as Record<string, unknown>).code = 'INTROSPECTION_DISABLED';
        context.reportError(error);
      },
    }),
  );

export function useIntrospectionDisabled(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(noIntrospection);
    },
  };
}
