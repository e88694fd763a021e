// The headers a call to a service carries beyond the request's own, for GraphQL and the passthrough
// alike, in the order that lets the gateway's own win: the client headers the service may see (GraphQL:
// the service's forwardHeaders allow-list), then the service's configured headers (an API key: the
// client cannot replace it), then the caller's identity (set only by the gateway).
import { identityHeaders } from '../auth/identity-headers.ts';
import type { Identity } from '../auth/identity.ts';
import type { AuthConfig, ServiceConfig } from '../config/config-schema.ts';

/** Reads one header of the client's request (a fetch Headers or node's lower-cased object). */
export type ClientHeader = (name: string) => string | undefined;

/** `client`: the request's headers to pick the forwarded ones from; none for the passthrough, which carries the client's headers itself. */
export function callHeaders(service: ServiceConfig, identity: Identity | undefined, names: AuthConfig['identityHeaders'], client?: ClientHeader): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  if (client) {
    for (const name of service.forwardHeaders) {
      const value = client(name);
      if (value !== undefined) (out ??= {})[name] = value;
    }
  }
  if (Object.keys(service.headers).length > 0) out = { ...out, ...service.headers };
  const id = identityHeaders(identity, service, names);
  return id ? { ...out, ...id } : out;
}
