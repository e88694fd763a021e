// Several worker processes on one port (node:cluster): the primary forks them, restarts one that dies
// (at most a few times a minute), passes SIGHUP on (each worker reloads) and SIGTERM/SIGINT (each
// drains), and exits when the last has. Metrics are summed over the workers (prom-client's
// AggregatorRegistry): a worker asked for /metrics asks the primary, which asks every worker.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';

const METRICS_REQUEST = 'gateway:metrics?';
const METRICS_ANSWER = 'gateway:metrics';
/** More unexpected exits than this within RESTART_WINDOW_MS and the primary gives up. */
const MAX_RESTARTS = 5;
const RESTART_WINDOW_MS = 60_000;

interface MetricsMessage {
  type: typeof METRICS_REQUEST | typeof METRICS_ANSWER;
  id: number;
  text?: string;
  error?: string;
}

export const isWorker = (): boolean => cluster.isWorker;

/** Runs `count` workers (each runs this same program); resolves with the exit code once all have stopped. */
export function runPrimary(count: number, logger: Logger, onListening: (address: string) => void): Promise<number> {
  const aggregator = new AggregatorRegistry();
  let stopping = false;
  const restarts: number[] = [];
  let announced = false;
  let listening = 0;
  let alive = 0;

  const fork = (): Worker => {
    const worker = cluster.fork();
    alive++;
    worker.on('message', (message: MetricsMessage) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => worker.send({ type: METRICS_ANSWER, id: message.id, text } satisfies MetricsMessage),
        (err: Error) => worker.send({ type: METRICS_ANSWER, id: message.id, error: err.message } satisfies MetricsMessage),
      );
    });
    return worker;
  };

  // Each worker listens on the main port first (then on the redirect or admin ports, if any): its first
  // 'listening' is the one that counts.
  const listeningWorkers = new Set<number>();
  cluster.on('listening', (worker, address) => {
    if (listeningWorkers.has(worker.id)) return;
    listeningWorkers.add(worker.id);
    listening++;
    if (announced || listening < count) return;
    announced = true;
    const host = address.address === null || address.address === undefined ? '127.0.0.1' : String(address.address);
    onListening(`http://${host.includes(':') ? `[${host}]` : host}:${address.port}`);
  });

  return new Promise((resolve) => {
    cluster.on('exit', (worker, code, signal) => {
      alive--;
      if (stopping) {
        if (alive === 0) resolve(0);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts[0]! < now - RESTART_WINDOW_MS) restarts.shift();
      if (restarts.length > MAX_RESTARTS) {
        logger.error('workers keep exiting: stopping', { restarts: restarts.length, windowMs: RESTART_WINDOW_MS });
        stopping = true;
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
        if (alive === 0) resolve(1);
        return;
      }
      logger.error('worker exited: starting another', { pid: worker.process.pid, code, signal });
      fork();
    });
    const pass = (signal: NodeJS.Signals): void => {
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
    };
    process.on('SIGHUP', () => pass('SIGHUP'));
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        if (stopping) return;
        stopping = true;
        logger.info('stopping the workers', { signal });
        // Each worker drains on SIGTERM (one that had Ctrl-C's SIGINT already is draining: the same drain).
        pass('SIGTERM');
      });
    }
    for (let i = 0; i < count; i++) fork();
  });
}

/** In a worker: the primary sums every worker's `registry` when asked; `metricsOfAll` asks it. */
export function workerMetrics(registry: Registry): { metricsOfAll(): Promise<string> } {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry(); // answers the primary's requests for this worker's metrics
  let next = 0;
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (err: Error) => void }>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type !== METRICS_ANSWER) return;
    const w = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) w?.reject(new Error(message.error));
    else w?.resolve(message.text ?? '');
  });
  return {
    metricsOfAll: () =>
      new Promise((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        process.send!({ type: METRICS_REQUEST, id } satisfies MetricsMessage);
      }),
  };
}
