// A real HTTP server on port 0 that misbehaves on command: answers with any status and body, hangs,
// resets the connection, or sends a body that is not JSON. It records every request it receives.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from './listen.ts';

export type FaultMode =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'text'; status: number; body: string };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FaultUpstream {
  url: string;
  requests: RecordedRequest[];
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

export async function startFaultUpstream(initial: FaultMode = { kind: 'status', status: 500, body: { error: { message: 'boom at /internal/db.js:12' } } }): Promise<FaultUpstream> {
  let mode = initial;
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      switch (mode.kind) {
        case 'hang':
          return; // never answers; the gateway's timeout must end the call
        case 'reset':
          req.socket.destroy();
          return;
        case 'text':
          res.writeHead(mode.status, { 'content-type': 'text/plain' });
          res.end(mode.body);
          return;
        case 'status': {
          const body = mode.body === undefined ? '' : JSON.stringify(mode.body);
          res.writeHead(mode.status, body ? { 'content-type': 'application/json' } : {});
          res.end(body);
        }
      }
    });
  });
  const url = await listen(server);
  return { url, requests, setMode: (m) => (mode = m), close: () => closeServer(server) };
}
