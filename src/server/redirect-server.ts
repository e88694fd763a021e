// The optional plain-HTTP listener beside HTTPS (config.tls.redirectPort): every request gets a 308 to
// the same host and path on the HTTPS port, and nothing else (no GraphQL, no passthrough over plain HTTP).
import { createServer, type Server } from 'node:http';

export function createRedirectServer(httpsPort: () => number | undefined): Server {
  const server = createServer((req, res) => {
    req.resume();
    const port = httpsPort();
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (port === undefined || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(host)) {
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', connection: 'close' }).end(JSON.stringify({ error: { code: 'BAD_REQUEST', message: 'use HTTPS' } }));
      return;
    }
    const location = `https://${host}${port === 443 ? '' : `:${port}`}${req.url?.startsWith('/') ? req.url : '/'}`;
    res.writeHead(308, { location, 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify({ error: { code: 'HTTPS_REQUIRED', message: `use ${location}` } }));
  });
  server.keepAliveTimeout = 5_000;
  return server;
}
