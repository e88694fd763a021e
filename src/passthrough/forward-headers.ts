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

export function upstreamRequestHeaders(req: IncomingMessage, requestId: string, owned: ReadonlySet<string>): Record<string, string | string[]> {
  const listed = connectionListed(req.headers);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || isHopByHop(name, listed) || GATEWAY_SET.has(name) || CLIENT_ONLY.has(name) || owned.has(name)) continue;
    out[name] = value;
  }
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  out['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  out['x-forwarded-proto'] = encrypted ? 'https' : 'http';
  if (req.headers.host) out['x-forwarded-host'] = req.headers.host;
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
