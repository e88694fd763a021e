// A throwaway PKI for the TLS tests, made with Debian's openssl in a temporary folder: a CA, a server
// certificate for localhost and 127.0.0.1 signed by it, a client certificate (the gateway's, for mTLS)
// signed by it, a second CA that signed neither, and a key that matches no certificate. EC P-256 keys:
// quick to make. Valid for two days.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Pem {
  /** The file's path. */
  file: string;
  /** Its contents. */
  pem: string;
}

export interface TestCertificates {
  dir: string;
  ca: Pem;
  otherCa: Pem;
  server: { cert: Pem; key: Pem };
  client: { cert: Pem; key: Pem };
  strayKey: Pem;
}

const pem = (file: string): Pem => ({ file, pem: readFileSync(file, 'utf8') });

/** Another server certificate for localhost and 127.0.0.1 from the same CA (a renewal): new files in the same folder. */
export function renewServerCertificate(certs: TestCertificates, name: string): { cert: Pem; key: Pem } {
  const at = (file: string): string => join(certs.dir, file);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: certs.dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(`${name}.key`));
  openssl('req', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', '/CN=localhost');
  writeFileSync(at(`${name}.ext`), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.crt`), '-days', '2', '-extfile', at(`${name}.ext`));
  return { cert: pem(at(`${name}.crt`)), key: pem(at(`${name}.key`)) };
}

export function makeCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'gateway-tls-'));
  const at = (name: string): string => join(dir, name);
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], timeout: 20_000 });
  const newKey = (name: string): void => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(name));
  const selfSigned = (name: string, cn: string): void => {
    newKey(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.crt`), '-subj', `/CN=${cn}`, '-days', '2', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  const signed = (name: string, cn: string, extensions: string): void => {
    newKey(`${name}.key`);
    openssl('req', '-new', '-key', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${cn}`);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial', '-out', at(`${name}.crt`), '-days', '2', '-extfile', at(`${name}.ext`));
  };
  selfSigned('ca', 'Gateway Test CA');
  selfSigned('other-ca', 'Some Other CA');
  signed('server', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signed('client', 'gateway', 'extendedKeyUsage=clientAuth\n');
  newKey('stray.key');
  return {
    dir,
    ca: pem(at('ca.crt')),
    otherCa: pem(at('other-ca.crt')),
    server: { cert: pem(at('server.crt')), key: pem(at('server.key')) },
    client: { cert: pem(at('client.crt')), key: pem(at('client.key')) },
    strayKey: pem(at('stray.key')),
  };
}
