// The command line of an example service: `--port`, `--host` and `--data` (or their environment
// variables), listen, print the bound URL (so `--port 0` is usable by scripts), stop on SIGINT/SIGTERM.
import type { Server } from 'node:http';
import { parseArgs } from 'node:util';

export interface RunServiceOptions {
  name: string;
  defaultPort: number;
  /** Environment variable for the port, e.g. USERS_PORT (PORT is the gateway's). */
  portEnv: string;
  /** Environment variable for the data path, e.g. USERS_DATA_PATH. */
  dataEnv: string;
  create: (dataPath: string | undefined) => Server;
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
  const server = options.create(dataPath || undefined);
  server.on('error', (err) => {
    console.error(`${options.name}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : port;
    const where = dataPath ? `data in ${dataPath}` : 'in-memory store, fresh seed';
    console.log(`${options.name} service on http://${host.includes(':') ? `[${host}]` : host}:${bound} (${where})`);
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
