// The verified caller of a request, as the token said: who (sub) and what they may do (scopes).
// Requests without a token have no identity (anonymous).

export interface Identity {
  subject: string;
  scopes: ReadonlySet<string>;
  /** The token as sent, for services configured to receive it (forwardToken). */
  token: string;
}

/** Whether the identity holds every scope of at least one set (scope sets are OR of ANDs). */
export function holdsScopes(identity: Identity | undefined, sets: readonly (readonly string[])[]): boolean {
  if (!identity) return false;
  return sets.some((set) => set.every((scope) => identity.scopes.has(scope)));
}

/** Scope sets as people read them: "movies:write or (a and b)". */
export function describeScopes(sets: readonly (readonly string[])[]): string {
  return sets.map((set) => (set.length > 1 && sets.length > 1 ? `(${set.join(' and ')})` : set.join(' and '))).join(' or ');
}
