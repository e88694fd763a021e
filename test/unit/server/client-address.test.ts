import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createClientAddress } from '../../../src/server/client-address.ts';

const req = (remote: string, xff?: string): IncomingMessage =>
  ({ socket: { remoteAddress: remote }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('createClientAddress', () => {
  it('uses the socket address when there are no trusted proxies, whatever the headers say', () => {
    const of = createClientAddress([]);
    expect(of(req('198.51.100.7', '1.2.3.4'))).toBe('198.51.100.7');
    expect(of(req('::ffff:198.51.100.7'))).toBe('198.51.100.7');
  });

  it('reads X-Forwarded-For from the right, skipping trusted proxies (addresses and CIDR ranges)', () => {
    const of = createClientAddress(['10.0.0.0/8', '192.0.2.1', 'fd00::/8']);
    expect(of(req('192.0.2.1', '6.6.6.6, 203.0.113.9'))).toBe('203.0.113.9');
    expect(of(req('192.0.2.1', '6.6.6.6, 203.0.113.9, 10.1.2.3'))).toBe('203.0.113.9');
    expect(of(req('fd00::1', '2001:db8::5'))).toBe('2001:db8::5');
    expect(of(req('198.51.100.7', '6.6.6.6'))).toBe('198.51.100.7'); // not from a trusted proxy
  });

  it('stops at a hop that is not an address, and falls back to the socket without the header', () => {
    const of = createClientAddress(['192.0.2.1']);
    expect(of(req('192.0.2.1', 'garbage, 203.0.113.9'))).toBe('203.0.113.9');
    expect(of(req('192.0.2.1', '203.0.113.9, not-an-ip'))).toBe('192.0.2.1');
    expect(of(req('192.0.2.1'))).toBe('192.0.2.1');
  });
});
