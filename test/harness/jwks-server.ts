// A JWKS endpoint on port 0 whose key set a test can change (rotation), that counts its fetches, and
// that can fail on demand.
import { createServer } from 'node:http';
import type { JWK } from 'jose';
import { closeServer, listen } from './listen.ts';

export interface JwksServer {
  url: string;
  keys: JWK[];
  fetches: number;
  failing: boolean;
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[]): Promise<JwksServer> {
  const state = { keys, fetches: 0, failing: false };
  const server = createServer((_req, res) => {
    state.fetches++;
    if (state.failing) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"down"}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: state.keys }));
  });
  const url = `${await listen(server)}/.well-known/jwks.json`;
  return Object.assign(state, { url, close: () => closeServer(server) });
}
