// Closing a server's connections for the drain, whichever server it is: node:http (and https) have
// closeIdleConnections and closeAllConnections; node:http2's server has neither, so its sessions and the
// HTTP/1.1 connections it serves beside them (allowHTTP1) are tracked here, each HTTP/1.1 one with its
// requests in flight. An idle HTTP/2 session gets GOAWAY (session.close(): its streams in flight finish,
// no new one starts).
import type { Server as HttpServer, IncomingMessage } from 'node:http';
import type { Http2SecureServer, ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';

export type GatewayServer = HttpServer | Http2SecureServer;

interface Tracked {
  sessions: Set<ServerHttp2Session>;
  /** HTTP/1.1 connections → their requests in flight. */
  sockets: Map<Socket, number>;
}

const tracked = new WeakMap<GatewayServer, Tracked>();

/** Starts tracking an HTTP/2 server's connections (call once, before it listens). */
export function trackConnections(server: Http2SecureServer): void {
  const t: Tracked = { sessions: new Set(), sockets: new Map() };
  tracked.set(server, t);
  server.on('session', (session: ServerHttp2Session) => {
    t.sessions.add(session);
    session.once('close', () => t.sessions.delete(session));
  });
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') return;
    t.sockets.set(socket, 0);
    socket.once('close', () => t.sockets.delete(socket));
  });
}

/** Whether the server's connections are tracked here (the HTTP/2 server): only then do requests count. */
export const isTracked = (server: GatewayServer): boolean => tracked.has(server);

/** A request began (HTTP/1.1 connections of a tracked server count theirs). */
export function requestStarted(server: GatewayServer, req: IncomingMessage): void {
  const sockets = tracked.get(server)?.sockets;
  const n = sockets?.get(req.socket);
  if (n !== undefined) sockets!.set(req.socket, n + 1);
}

export function requestEnded(server: GatewayServer, req: IncomingMessage): void {
  const sockets = tracked.get(server)?.sockets;
  const n = sockets?.get(req.socket);
  if (n !== undefined) sockets!.set(req.socket, Math.max(0, n - 1));
}

/** Closes the connections with nothing in flight (an HTTP/2 session: GOAWAY, so it ends once its streams do). */
export function closeIdleConnections(server: GatewayServer): void {
  const t = tracked.get(server);
  if (!t) return (server as HttpServer).closeIdleConnections();
  for (const session of t.sessions) if (!session.closed) session.close();
  for (const [socket, inFlight] of t.sockets) if (inFlight === 0) socket.destroy();
}

/** Cuts every connection, whatever is in flight. */
export function closeAllConnections(server: GatewayServer): void {
  const t = tracked.get(server);
  if (!t) return (server as HttpServer).closeAllConnections();
  for (const session of t.sessions) session.destroy();
  for (const socket of t.sockets.keys()) socket.destroy();
}
