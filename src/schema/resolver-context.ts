// What every generated resolver finds in the GraphQL context.
import type { Identity } from '../auth/identity.ts';
import type { RestScope } from '../loaders/rest-scope.ts';

export interface ResolverContext {
  rest: RestScope;
  /** The verified caller; undefined when the request carried no token. */
  identity: Identity | undefined;
}

/** Every resolver the gateway generates from the SDL, so a test can show no other (delegating) resolver runs. */
export const GENERATED_RESOLVERS = new WeakSet<(...args: never[]) => unknown>();
