// The TLS material of a service's https:// instances: the CA to verify it against (instead of the
// system roots) and the gateway's client certificate (mTLS), read from their files when a pipeline is
// built (start-up and each reload, so a renewed certificate is picked up by a reload) and checked
// together by node:tls, so that a key that does not match its certificate stops start-up with a message
// rather than failing every handshake later.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { ServiceConfig } from '../config/config-schema.ts';
import { ConfigError } from '../errors.ts';

/** undici's `connect` options for the service's pools, and a digest of them (a reload compares it). */
export interface ServiceTls {
  connect: { ca?: string; cert?: string; key?: string; servername?: string };
  fingerprint: string;
}

export function readServiceTls(service: string, config: ServiceConfig): ServiceTls | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const read = (key: 'ca' | 'cert' | 'key'): string | undefined => {
    const path = tls[key];
    if (path === undefined) return undefined;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new ConfigError(`services.${service}.tls.${key}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    // node:tls quietly finds no certificate in a file that is not PEM.
    if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new ConfigError(`services.${service}.tls.${key}: ${path} is not a PEM file (expected -----BEGIN ${key === 'key' ? 'PRIVATE KEY' : 'CERTIFICATE'}-----)`);
    return text;
  };
  const ca = read('ca');
  const cert = read('cert');
  const key = read('key');
  try {
    createSecureContext({ ca, cert, key });
  } catch (err) {
    const message = (err as Error).message;
    if (/key values mismatch/i.test(message)) throw new ConfigError(`services.${service}.tls: the key ${tls.key} does not match the certificate ${tls.cert}`);
    throw new ConfigError(`services.${service}.tls: ${[tls.ca, tls.cert, tls.key].filter(Boolean).join(', ')}: ${message}`);
  }
  const connect = {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
  };
  return { connect, fingerprint: createHash('sha256').update(JSON.stringify(connect)).digest('hex') };
}
