// The gateway's own certificate (config.tls): read and checked (pem-files.ts) when the server is made,
// and again at each reload, whose new context serves new connections while the open ones go on.
import type { SecureContextOptions } from 'node:tls';
import type { GatewayConfig } from '../config/config-schema.ts';
import { checkTlsMaterial, readPem } from '../pem-files.ts';

/** The listener's certificate and key (the chain after the certificate), or undefined for plain HTTP. */
export function readServerTls(config: Pick<GatewayConfig, 'tls'>): SecureContextOptions | undefined {
  const tls = config.tls;
  if (!tls) return undefined;
  const cert = readPem(tls.cert!, 'tls.cert', 'certificate');
  const key = readPem(tls.key!, 'tls.key', 'key');
  const chain = tls.ca === undefined ? undefined : readPem(tls.ca, 'tls.ca', 'certificate');
  const full = chain ? `${cert.trimEnd()}\n${chain}` : cert;
  checkTlsMaterial('tls', tls, { cert: full, key });
  return { cert: full, key };
}
