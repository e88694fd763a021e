// A real HTTP server on port 0 that misbehaves on command: answers with any status and body, hangs,
// resets the connection, sends a body that is not JSON or a very large one, answers slowly, or recovers by passing requests
// on to a real service. A sequence plays one mode per request (the last one repeats). Every request is
// recorded.
import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { closeServer, listen } from './listen.ts';

export type FaultMode =
  | { kind: 'status'; status: number; body?: unknown }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'text'; status: number; body: string; contentType?: string }
  /** Pass the request on to a real service (recovery). */
  | { kind: 'proxy'; to: string }
  /** Answer slowly: wait, then behave as `then`. */
  | { kind: 'delay'; ms: number; then: FaultMode }
  /** A JSON array of `bytes` bytes or more, with Content-Length or chunked (no declared size). */
  | { kind: 'large'; bytes: number; chunked: boolean }
  /** A 200 whose body never ends: a chunk every few milliseconds until the connection closes. */
  | { kind: 'stream' }
  /** One mode per request, in order; the last repeats. */
  | { kind: 'sequence'; modes: FaultMode[] };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FaultUpstream {
  url: string;
  requests: RecordedRequest[];
  /** The most requests it has had in flight at once. */
  readonly maxInFlight: number;
  setMode(mode: FaultMode): void;
  /** Resolves when the next request has arrived whole. */
  nextRequest(): Promise<RecordedRequest>;
  /** Resolves when the next request is closed by the gateway before it was answered. */
  nextCancelled(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultUpstream(initial: FaultMode = { kind: 'status', status: 500, body: { error: { message: 'boom at /internal/db.js:12' } } }): Promise<FaultUpstream> {
  let mode = initial;
  const requests: RecordedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const events = new EventEmitter();
  const server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let counted = true;
    const done = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    res.once('close', () => {
      done();
      if (!res.writableFinished) events.emit('cancelled');
    });
    const chunks: Buffer[] = [];
    let requestBody = '';
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requestBody = Buffer.concat(chunks).toString();
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: requestBody };
      requests.push(recorded);
      events.emit('request', recorded);
      let current = mode;
      if (current.kind === 'sequence') {
        current = current.modes.length > 1 ? (current.modes.shift() as FaultMode) : (current.modes[0] as FaultMode);
      }
      play(current);
    });
    function play(current: FaultMode): void {
      switch (current.kind) {
        case 'delay': {
          const next = current.then;
          setTimeout(() => play(next), current.ms);
          return;
        }
        case 'hang':
          return; // never answers; the gateway's timeouts must end the call
        case 'reset':
          req.socket.destroy();
          return;
        case 'text':
          res.writeHead(current.status, { 'content-type': current.contentType ?? 'text/plain' });
          res.end(current.body);
          return;
        case 'proxy': {
          const init: RequestInit = { method: req.method ?? 'GET', headers: { 'content-type': 'application/json' } };
          if (requestBody) init.body = requestBody;
          fetch(`${current.to}${req.url ?? ''}`, init).then(
            async (r) => {
              // The answer's own headers pass (X-Total-Count, Link), but for how fetch framed the body.
              const headers: Record<string, string> = {};
              r.headers.forEach((value, name) => {
                if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)) headers[name] = value;
              });
              res.writeHead(r.status, headers);
              res.end(Buffer.from(await r.arrayBuffer()));
            },
            () => req.socket.destroy(),
          );
          return;
        }
        case 'status': {
          const body = current.body === undefined ? '' : JSON.stringify(current.body);
          res.writeHead(current.status, body ? { 'content-type': 'application/json' } : {});
          res.end(body);
          return;
        }
        case 'large': {
          const item = JSON.stringify({ id: '1', name: 'x'.repeat(1000) });
          const count = Math.ceil(current.bytes / (item.length + 1));
          const body = `[${Array.from({ length: count }, () => item).join(',')}]`;
          res.writeHead(200, current.chunked ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
          if (!current.chunked) return void res.end(body);
          for (let i = 0; i < body.length; i += 64 * 1024) res.write(body.slice(i, i + 64 * 1024));
          res.end();
          return;
        }
        case 'stream': {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          const timer = setInterval(() => res.write(Buffer.alloc(1024, 120)), 5);
          res.once('close', () => clearInterval(timer));
          return;
        }
        case 'sequence':
          res.writeHead(500);
          res.end();
      }
    }
  });
  const url = await listen(server);
  return {
    url,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    setMode: (m) => (mode = m),
    nextRequest: async () => ((await once(events, 'request')) as [RecordedRequest])[0],
    nextCancelled: async () => {
      await once(events, 'cancelled');
    },
    close: () => closeServer(server),
  };
}
