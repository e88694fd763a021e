// PEM files as the gateway reads them, for its own listener (server/server-tls.ts) and for its calls to
// services (upstream/service-tls.ts): read whole at start-up and at each reload, checked to be PEM, and
// checked together by node:tls, so that a file that cannot be read, is not PEM, or a key that does not
// match its certificate stops start-up with a message naming the files instead of failing every handshake.
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './errors.ts';

/** The file's text; `where` names the setting in messages ("tls.cert"). */
export function readPem(path: string, where: string, kind: 'certificate' | 'key'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${where}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // node:tls quietly finds no certificate in a file that is not PEM.
  if (!/-----BEGIN [A-Z0-9 ]+-----/.test(text)) throw new ConfigError(`${where}: ${path} is not a PEM file (expected -----BEGIN ${kind === 'key' ? 'PRIVATE KEY' : 'CERTIFICATE'}-----)`);
  return text;
}

/** Checks that the material makes a TLS context: above all, that the key is the certificate's. */
export function checkTlsMaterial(where: string, files: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined }, pems: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined }): void {
  try {
    createSecureContext(pems);
  } catch (err) {
    const message = (err as Error).message;
    if (/key values mismatch/i.test(message)) throw new ConfigError(`${where}: the key ${files.key} does not match the certificate ${files.cert}`);
    throw new ConfigError(`${where}: ${[files.ca, files.cert, files.key].filter(Boolean).join(', ')}: ${message}`);
  }
}
