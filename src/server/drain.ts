// Graceful drain, as a load balancer needs it: /readyz answers 503 at once (the balancer stops sending
// new requests), the listener stays open for `delayMs` (requests already routed here still land) with
// every answer closing its connection, then the listener closes and idle connections end; requests in
// flight finish until the deadline, after which their connections are cut.
import type { AddressInfo } from 'node:net';
import { closeAllConnections, closeIdleConnections, type GatewayServer } from './connections.ts';
import type { Logger } from '../logger.ts';
import { setTimeout as sleep } from 'node:timers/promises';

export interface DrainState {
  /** Set once draining starts: /readyz answers 503 and answers carry `Connection: close`. */
  draining: boolean;
  /** Set once the listener is closed: each answer that ends then closes its keep-alive connection. */
  refusing: boolean;
  /** Answers not yet sent (a count: holding the answers themselves kept them, and all they reach, alive longer). */
  inFlight: number;
}

/** Counts requests in flight, and tells when none is (a reload retires what the old configuration had). */
export class InFlight {
  count = 0;
  #idle: Array<() => void> = [];
  start(): void {
    this.count++;
  }
  end(): void {
    if (--this.count === 0) for (const resolve of this.#idle.splice(0)) resolve();
  }
  /** Resolves when no request is in flight, or after `timeoutMs` (a timer that keeps no process alive). */
  async idle(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    const timeout = new AbortController();
    await Promise.race([new Promise<void>((resolve) => this.#idle.push(resolve)), sleep(timeoutMs, undefined, { ref: false, signal: timeout.signal }).catch(() => {})]);
    timeout.abort();
  }
}

/** Resolves once `server` has no connection left, or at `deadline` (ms since the epoch) after cutting the rest. */
async function closeServer(server: GatewayServer, deadline: number, state: DrainState, log: Logger, port: number | undefined): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  log.info('no longer accepting connections', { port });
  // Requests that began before the drain are answered keep-alive: their connections close as each
  // becomes idle (the server's request handler asks, state.refusing).
  state.refusing = true;
  closeIdleConnections(server);
  const timeout = new AbortController();
  const cut = sleep(Math.max(0, deadline - Date.now()), undefined, { signal: timeout.signal }).then(
    () => {
      log.warn('shutdown timeout: the connections still open are cut', { port, requests: state.inFlight });
      closeAllConnections(server);
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
export async function drainServers(servers: GatewayServer[], state: DrainState, delayMs: number, timeoutMs: number, log: Logger): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  state.draining = true;
  if (delayMs > 0) await sleep(delayMs);
  for (const server of servers) {
    const port = (server.address() as AddressInfo | null)?.port;
    await closeServer(server, deadline, state, log, port);
  }
}
