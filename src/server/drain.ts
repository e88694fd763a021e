// Graceful drain, as a load balancer needs it: /readyz answers 503 at once (the balancer stops sending
// new requests), the listener stays open for `delayMs` (requests already routed here still land) with
// every answer closing its connection, then the listener closes and idle connections end; requests in
// flight finish until the deadline, after which their connections are cut.
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DrainState {
  /** Set once draining starts: /readyz answers 503 and answers carry `Connection: close`. */
  draining: boolean;
  /** The main server's answers not yet sent: their keep-alive connections close as each one ends. */
  readonly inFlight: Set<ServerResponse>;
}

/** Resolves once `server` has no connection left, or at `deadline` (ms since the epoch) after cutting the rest. */
async function closeServer(server: Server, deadline: number, inFlight: Set<ServerResponse>, log: Logger, port: number | undefined): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  log.info('no longer accepting connections', { port });
  server.closeIdleConnections();
  // A request that began before the drain was answered keep-alive: its connection closes once idle.
  for (const res of inFlight) res.once('close', () => setImmediate(() => server.closeIdleConnections()));
  const timeout = new AbortController();
  const cut = sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timeout.signal }).then(
    () => {
      log.warn('shutdown timeout: the connections still open are cut', { port, requests: inFlight.size });
      server.closeAllConnections();
    },
    () => {}, // closed before the deadline
  );
  await closed;
  timeout.abort();
  await cut;
}

/**
 * Drains `servers` (the main one first; an admin server last, so metrics are scraped during the drain):
 * readiness off now, connections refused after `delayMs`, in-flight requests given until `timeoutMs`
 * after the start.
 */
export async function drainServers(servers: Server[], state: DrainState, delayMs: number, timeoutMs: number, log: Logger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  state.draining = true;
  if (delayMs > 0) await sleep(delayMs);
  for (const server of servers) {
    const port = (server.address() as AddressInfo | null)?.port;
    await closeServer(server, deadline, state.inFlight, log, port);
  }
}

/** Resolves once every answer of `responses` has ended, or after `timeoutMs` (a timer that keeps no process alive). */
export async function afterInFlight(responses: readonly ServerResponse[], timeoutMs: number): Promise<void> {
  const open = responses.filter((res) => !res.closed);
  if (open.length === 0) return;
  const timeout = new AbortController();
  await Promise.race([
    Promise.all(open.map((res) => new Promise((resolve) => res.once('close', resolve)))),
    sleep(timeoutMs, undefined, { ref: false, signal: timeout.signal }).catch(() => {}),
  ]);
  timeout.abort();
}
