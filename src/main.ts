// Command line entry: load the configuration, build and start the gateway, reload on SIGHUP (and on
// file changes with --watch), stop cleanly on SIGINT/SIGTERM. A bad configuration or SDL file at
// start prints one message naming the file (and line) and exits with 1; at a reload, it is logged and
// the running configuration keeps serving.
import { configFileOf, loadConfig } from './config/load-config.ts';
import { createGateway } from './create-gateway.ts';
import { ConfigError } from './errors.ts';
import { configuredLogger } from './logger.ts';
import { prepareGraphiQL } from './graphql/graphiql.ts';
import { introspectGraphQLServices } from './remote/remote-schema.ts';
import { watchFiles } from './server/watch-files.ts';
import { isWorker, runPrimary, workerMetrics } from './server/cluster.ts';
import { availableParallelism } from 'node:os';
import type { GatewayConfig } from './config/config-schema.ts';

/** --workers N, else config.workers; "auto": one per core in production, one otherwise. */
function workerCount(config: GatewayConfig): number {
  const arg = process.argv.indexOf('--workers');
  const given = arg === -1 ? config.workers : process.argv[arg + 1] === 'auto' ? 'auto' : Number(process.argv[arg + 1]);
  if (given === 'auto') return process.env.NODE_ENV === 'production' ? availableParallelism() : 1;
  if (!Number.isInteger(given) || given < 1 || given > 256) throw new ConfigError(`--workers: expected a number from 1 to 256 or "auto", got ${JSON.stringify(process.argv[arg + 1])}`);
  return given;
}

async function main(): Promise<void> {
  const configArg = process.argv.indexOf('--config');
  const file = configArg === -1 ? undefined : process.argv[configArg + 1];
  const config = loadConfig({ file });
  const logger = configuredLogger(config);
  // Whatever one operation does wrong ends as an error in its own response; a promise rejection that
  // escaped every handler is logged as the bug it is, and the process goes on serving everyone else.
  process.on('unhandledRejection', (reason) => {
    logger.error('unhandled promise rejection', { error: (reason as Error)?.stack ?? String(reason) });
  });
  const workers = workerCount(config);
  if (workers > 1 && !isWorker()) {
    if (config.rateLimit.enabled && !config.rateLimit.redisUrl) logger.warn('rate limits are per worker: set rateLimit.redisUrl (REDIS_URL) to share them', { workers });
    const code = await runPrimary(workers, logger, (address) => {
      const url = config.tls ? address.replace(/^http:/, 'https:') : address;
      console.log(`gateway on ${url} (${workers} workers; GraphQL at ${url}/graphql)`);
    });
    logger.flush();
    process.exit(code);
  }
  const gateway = createGateway(config, { logger, remoteSchemas: await introspectGraphQLServices(config) });
  if (isWorker() && gateway.metrics) gateway.metrics.renderFrom(workerMetrics(gateway.metrics.registry).metricsOfAll);
  const url = await gateway.listen();
  // GraphiQL's files are read and compressed now, in the background, rather than for the first browser.
  if (config.graphql.graphiql) prepareGraphiQL();

  // The files a reload reads: the config file (as loadConfig finds it), every service's SDL file, and the
  // certificates and keys (a renewed certificate is served once its file is saved, with --watch).
  const configFile = configFileOf({ file });
  const filesOf = (c: typeof config): string[] =>
    [
      configFile,
      c.tls?.cert, c.tls?.key, c.tls?.ca,
      ...Object.values(c.services).flatMap((s) => [s.schema, s.graphql?.schema, s.tls?.ca, s.tls?.cert, s.tls?.key, s.signIdentity?.privateKey]),
    ].filter((f): f is string => f !== undefined);
  const watcher = process.argv.includes('--watch') ? watchFiles(() => reload('a file changed')) : undefined;
  watcher?.set(filesOf(config));
  // One reload at a time: a GraphQL service's introspection is asynchronous, and a later reload must not
  // be overtaken by an earlier one that finishes last.
  let reloading = Promise.resolve();
  function reload(why: string): void {
    reloading = reloading.then(async () => {
      try {
        const next = loadConfig({ file });
        gateway.reload(next, await introspectGraphQLServices(next));
        watcher?.set(filesOf(next));
      } catch (err) {
        logger.error('reload failed: the running configuration keeps serving', { why, error: (err as Error).message });
      }
    });
  }
  process.on('SIGHUP', () => reload('SIGHUP'));
  // SIGTERM (an orchestrator): the full drain. SIGINT (Ctrl-C at a terminal): no delay, requests in
  // flight still finish. A second signal exits at once.
  const stop = (signal: NodeJS.Signals): void => {
    watcher?.close();
    process.once(signal, () => process.exit(1));
    logger.info('draining', { signal, delayMs: signal === 'SIGTERM' ? config.drainDelayMs : 0, timeoutMs: config.shutdownTimeoutMs });
    gateway.drain(signal === 'SIGTERM' ? {} : { delayMs: 0 }).then(
      () => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      },
      (err: unknown) => {
        logger.error('drain failed', { error: (err as Error)?.stack ?? String(err) });
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Said last: whoever waits for this line may signal at once, and a SIGHUP that came before its
  // handler would end the process.
  if (!isWorker()) console.log(`gateway on ${url} (GraphQL at ${url}/graphql; services: ${Object.entries(config.services).map(([n, s]) => `${n} → ${s.urls.join(' ')}`).join(', ')})`);
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`gateway: configuration error\n${err.message}`);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`gateway: ${(err as Error).message} (is another gateway running? set PORT)`);
  else console.error('gateway: failed to start', err);
  process.exit(1);
});
