// Who a request comes from, for rate limits: the socket's address, unless that is a configured trusted
// proxy, in which case X-Forwarded-For is read from the right, skipping trusted proxies; the first
// address that is not one is the client. What a client writes into X-Forwarded-For itself sits left of
// what its proxies append, so it cannot change the answer.
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';

/** "::ffff:127.0.0.1" (IPv4 on a dual-stack socket) as "127.0.0.1". */
const plain = (address: string): string => (address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address);

/** Whether an address is one of `trustedProxies` (addresses and CIDR ranges). */
function trustedAddress(trustedProxies: readonly string[]): (ip: string) => boolean {
  const trusted = new BlockList();
  for (const entry of trustedProxies) {
    const [ip, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) trusted.addAddress(ip, family);
    else trusted.addSubnet(ip, Number(bits), family);
  }
  return (ip) => trustedProxies.length > 0 && trusted.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}

/** Whether a request came straight from a trusted proxy (its socket's address). */
export function createFromTrustedProxy(trustedProxies: readonly string[]): (req: IncomingMessage) => boolean {
  const isTrusted = trustedAddress(trustedProxies);
  return (req) => isTrusted(plain(req.socket.remoteAddress ?? ''));
}

export function createClientAddress(trustedProxies: readonly string[]): (req: IncomingMessage) => string {
  const isTrusted = trustedAddress(trustedProxies);

  return (req) => {
    const remote = plain(req.socket.remoteAddress ?? '');
    if (trustedProxies.length === 0 || !isTrusted(remote)) return remote;
    const header = req.headers['x-forwarded-for'];
    if (!header) return remote;
    const hops = (Array.isArray(header) ? header.join(',') : header).split(',');
    let client = remote;
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = plain(hops[i]!.trim());
      if (isIP(hop) === 0) break; // not an address: the last good hop is as far as the chain can be believed
      client = hop;
      if (!isTrusted(hop)) break;
    }
    return client;
  };
}
