// How the verified identity reaches a service: in headers only the gateway sets (X-User-Id and
// X-User-Scopes by default), or, for a service configured with forwardToken, as the original bearer
// token. Client-sent copies of these headers never pass: the passthrough removes them first, and
// GraphQL calls are built by the gateway from nothing.
import type { AuthConfig, ServiceConfig } from '../config/config-schema.ts';
import type { Identity } from './identity.ts';

export type IdentityHeaders = Readonly<Record<string, string>>;

/** The headers that carry `identity` to `service`; undefined for anonymous requests. */
export function identityHeaders(identity: Identity | undefined, service: ServiceConfig, names: AuthConfig['identityHeaders']): IdentityHeaders | undefined {
  if (!identity) return undefined;
  if (service.forwardToken) return { authorization: `Bearer ${identity.token}` };
  return { [names.subject]: identity.subject, [names.scopes]: [...identity.scopes].join(' ') };
}

/** Headers a client may never set for itself: the identity headers, the owned list, and the token (which is the gateway's to forward). */
export function ownedHeaders(auth: AuthConfig, extra: readonly string[]): ReadonlySet<string> {
  return new Set(['authorization', auth.identityHeaders.subject, auth.identityHeaders.scopes, ...extra]);
}
