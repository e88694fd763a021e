// Header hygiene at the passthrough: hop-by-hop headers (and any the Connection header names) are not
// forwarded either way; X-Forwarded-For/-Proto/-Host and the request id are set by the gateway, and
// client copies of headers the gateway owns are removed, never trusted.
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER } from '../http/request-id.ts';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'proxy-connection', 'http2-settings']);
/** Answered by the gateway itself (Node sends the 100 Continue), so not passed on; undici refuses it too. */
const CLIENT_ONLY = new Set(['expect']);
/** Set by the gateway from the connection, whatever the client sent. */
const GATEWAY_SET = new Set(['host', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded', 'x-real-ip', REQUEST_ID_HEADER]);

/** Lower-case names the Connection header lists (they are hop-by-hop for this hop). */
function connectionListed(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  const listed = new Set<string>();
  if (!value) return listed;
  for (const name of (Array.isArray(value) ? value.join(',') : value).split(',')) listed.add(name.trim().toLowerCase());
  return listed;
}

function isHopByHop(name: string, listed: Set<string>): boolean {
  return HOP_BY_HOP.has(name) || name.startsWith('proxy-') || listed.has(name);
}

/**
 * `viaTrustedProxy`: the connection comes from one of rateLimit.trustedProxies, whose X-Forwarded-Proto
 * (the scheme its client used, when it terminates TLS) is passed on; anyone else's is replaced by what
 * this connection is.
 */
export function upstreamRequestHeaders(req: IncomingMessage, requestId: string, owned: ReadonlySet<string>, viaTrustedProxy = false): Record<string, string | string[]> {
  const listed = connectionListed(req.headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2's pseudo-headers (:method, :path, :authority, :scheme) are the request line, not headers.
    if (value === undefined || name.charCodeAt(0) === 58 || isHopByHop(name, listed) || GATEWAY_SET.has(name) || CLIENT_ONLY.has(name) || owned.has(name)) continue;
    out[name] = value;
  }
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const proxied = viaTrustedProxy ? req.headers['x-forwarded-proto'] : undefined;
  out['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  out['x-forwarded-proto'] = proxied === 'https' || proxied === 'http' ? proxied : encrypted ? 'https' : 'http';
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined);
  if (host) out['x-forwarded-host'] = host;
  out[REQUEST_ID_HEADER] = requestId;
  return out;
}

export function clientResponseHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || isHopByHop(name, listed) || name === REQUEST_ID_HEADER) continue;
    out[name] = value;
  }
  return out;
}
