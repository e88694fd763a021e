// The TLS material of a service's https:// instances: the CA to verify it against (instead of the
// system roots) and the gateway's client certificate (mTLS), read from their files when a pipeline is
// built (start-up and each reload, so a renewed certificate is picked up by a reload) and checked
// together (pem-files.ts).
import { createHash } from 'node:crypto';
import type { ServiceConfig } from '../config/config-schema.ts';
import { checkTlsMaterial, readPem } from '../pem-files.ts';

/** undici's `connect` options for the service's pools, and a digest of them (a reload compares it). */
export interface ServiceTls {
  connect: { ca?: string; cert?: string; key?: string; servername?: string };
  fingerprint: string;
}

export function readServiceTls(service: string, config: ServiceConfig): ServiceTls | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const read = (key: 'ca' | 'cert' | 'key'): string | undefined => (tls[key] === undefined ? undefined : readPem(tls[key], `services.${service}.tls.${key}`, key === 'key' ? 'key' : 'certificate'));
  const ca = read('ca');
  const cert = read('cert');
  const key = read('key');
  checkTlsMaterial(`services.${service}.tls`, tls, { ca, cert, key });
  const connect = {
    ...(ca !== undefined && { ca }),
    ...(cert !== undefined && { cert }),
    ...(key !== undefined && { key }),
    ...(tls.servername !== undefined && { servername: tls.servername }),
  };
  return { connect, fingerprint: createHash('sha256').update(JSON.stringify(connect)).digest('hex') };
}
