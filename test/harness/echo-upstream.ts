// An upstream that tells what it received: method, path and query, headers, body size and SHA-256,
// answered as JSON. GET /bytes/N answers N deterministic bytes (streamed in chunks, with or without
// Content-Length), so large downloads can be checked end to end without holding them anywhere.
import { createHash } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from './listen.ts';

export interface Echo {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  bytes: number;
  sha256: string;
}

const CHUNK = Buffer.alloc(64 * 1024, 'gateway-');

/** The SHA-256 of the first n bytes /bytes/n sends. */
export function bytesDigest(n: number): string {
  const hash = createHash('sha256');
  for (let left = n; left > 0; left -= CHUNK.length) hash.update(left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left));
  return hash.digest('hex');
}

export async function startEchoUpstream(): Promise<{ url: string; received: Echo[]; close(): Promise<void> }> {
  const received: Echo[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://echo.local');
    const bytes = /^\/(?:[^/]+\/)*bytes\/(\d+)$/.exec(url.pathname);
    if (bytes) {
      const n = Number(bytes[1]);
      const chunked = url.searchParams.has('chunked');
      res.writeHead(200, chunked ? { 'content-type': 'application/octet-stream' } : { 'content-type': 'application/octet-stream', 'content-length': String(n) });
      let left = n;
      const write = (): void => {
        while (left > 0) {
          const piece = left >= CHUNK.length ? CHUNK : CHUNK.subarray(0, left);
          left -= piece.length;
          if (!res.write(piece)) return void res.once('drain', write);
        }
        res.end();
      };
      write();
      return;
    }
    const hash = createHash('sha256');
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      hash.update(c);
    });
    req.on('end', () => {
      const echo: Echo = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, bytes: size, sha256: hash.digest('hex') };
      received.push(echo);
      const status = Number(url.searchParams.get('status') ?? 200);
      const body = JSON.stringify(echo);
      res.writeHead(status, {
        'content-type': 'application/json',
        'x-echo': 'yes',
        // Hop-by-hop headers an upstream might send; the gateway must not pass them on.
        connection: 'keep-alive, x-hop-secret',
        'x-hop-secret': 'do not forward',
        'keep-alive': 'timeout=60',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    });
  });
  const url = await listen(server);
  return { url, received, close: () => closeServer(server) };
}
