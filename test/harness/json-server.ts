// json-server (npm, 0.17): a widely used REST server nobody here wrote, standing in for a third-party
// API. It serves a copy of a db.json fixture from memory, on port 0.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { closeServer, listen } from './listen.ts';

interface JsonServer {
  create(): { use(handler: unknown): void; listen: Server['listen'] } & ((req: unknown, res: unknown) => void);
  router(db: object): unknown;
  defaults(options: { logger: boolean; noCors?: boolean }): unknown[];
}
const jsonServer = createRequire(import.meta.url)('json-server') as JsonServer;

export interface StartedJsonServer {
  url: string;
  close(): Promise<void>;
}

/** `apiKey`: a small wrapper in front that answers 401 to requests without `X-Api-Key: <apiKey>`. */
export async function startJsonServer(dbFile: string, options: { apiKey?: string } = {}): Promise<StartedJsonServer> {
  const app = jsonServer.create();
  if (options.apiKey !== undefined) {
    app.use((req: { headers: Record<string, unknown> }, res: { status(n: number): { json(b: unknown): void } }, next: () => void) =>
      req.headers['x-api-key'] === options.apiKey ? next() : res.status(401).json({ error: 'missing or wrong API key' }),
    );
  }
  for (const handler of jsonServer.defaults({ logger: false, noCors: true })) app.use(handler);
  app.use(jsonServer.router(JSON.parse(readFileSync(dbFile, 'utf8')) as object));
  const server = (await import('node:http')).createServer(app as unknown as Parameters<typeof import('node:http').createServer>[0]);
  const url = await listen(server);
  return { url, close: () => closeServer(server) };
}
