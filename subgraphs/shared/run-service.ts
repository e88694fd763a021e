// The command line of an example service: `--port`, `--host` and `--data` (or their environment
// variables), listen, print the bound URL (so `--port 0` is usable by scripts), stop on SIGINT/SIGTERM.
import type { Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { IdentityVerification } from './verify-identity.ts';

export interface RunServiceOptions {
  name: string;
  defaultPort: number;
  /** Environment variable for the port, e.g. USERS_PORT (PORT is the gateway's). */
  portEnv: string;
  /** Environment variable for the data path, e.g. USERS_DATA_PATH. */
  dataEnv: string;
  create: (dataPath: string | undefined, identity: Omit<IdentityVerification, 'service'> | undefined) => Server;
}

/**
 * The gateway's signed identity, when the environment configures it: IDENTITY_SECRET (the HMAC key the
 * gateway's signIdentity.secret holds) or IDENTITY_PUBLIC_KEY_FILE (the public key of its privateKey);
 * IDENTITY_HEADER, IDENTITY_REQUIRE_SIGNATURE=true, IDENTITY_CLOCK_SKEW and IDENTITY_MAX_AGE (seconds).
 */
function identityFromEnv(name: string): Omit<IdentityVerification, 'service'> | undefined {
  const env = process.env;
  if (env.IDENTITY_SECRET === undefined && env.IDENTITY_PUBLIC_KEY_FILE === undefined) return undefined;
  const seconds = (key: string): number | undefined => {
    if (env[key] === undefined) return undefined;
    const n = Number(env[key]);
    if (!Number.isInteger(n) || n < 0) {
      console.error(`${name}: ${key} must be a number of seconds, got "${env[key]}"`);
      process.exit(2);
    }
    return n;
  };
  return {
    secret: env.IDENTITY_SECRET,
    publicKey: env.IDENTITY_PUBLIC_KEY_FILE === undefined ? undefined : readFileSync(env.IDENTITY_PUBLIC_KEY_FILE, 'utf8'),
    header: env.IDENTITY_HEADER,
    requireSignature: env.IDENTITY_REQUIRE_SIGNATURE === 'true',
    clockSkewSeconds: seconds('IDENTITY_CLOCK_SKEW'),
    maxAgeSeconds: seconds('IDENTITY_MAX_AGE'),
  };
}

export function runService(options: RunServiceOptions): void {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' } },
    allowPositionals: false,
  });
  const rawPort = values.port ?? process.env[options.portEnv] ?? String(options.defaultPort);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`${options.name}: --port / ${options.portEnv} must be a port number, got "${rawPort}"`);
    process.exit(2);
  }
  const host = values.host ?? process.env.SERVICES_HOST ?? '127.0.0.1';
  const dataPath = values.data ?? process.env[options.dataEnv] ?? undefined;
  const identity = identityFromEnv(options.name);
  const server = options.create(dataPath || undefined, identity);
  server.on('error', (err) => {
    console.error(`${options.name}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const where = `${dataPath ? `data in ${dataPath}` : 'in-memory store, fresh seed'}${identity ? '; identity verified' : ''}`;
    console.log(`${options.name} service on http://${host.includes(':') ? `[${host}]` : host}:${bound} (${where})`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
