// Command line entry: load the configuration, build and start the gateway, stop cleanly on SIGINT/SIGTERM.
// A bad configuration or SDL file prints one message naming the file (and line) and exits with 1.
import { loadConfig } from './config/load-config.ts';
import { createGateway } from './create-gateway.ts';
import { ConfigError } from './errors.ts';
import { configuredLogger } from './logger.ts';
import { prepareGraphiQL } from './graphql/graphiql.ts';

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
  const gateway = createGateway(config, { logger });
  const url = await gateway.listen();
  // GraphiQL's files are read and compressed now, in the background, rather than for the first browser.
  if (config.graphql.graphiql) prepareGraphiQL();
  console.log(`gateway on ${url} (GraphQL at ${url}/graphql; services: ${Object.entries(config.services).map(([n, s]) => `${n} → ${s.urls.join(' ')}`).join(', ')})`);
  // SIGTERM (an orchestrator): the full drain. SIGINT (Ctrl-C at a terminal): no delay, requests in
  // flight still finish. A second signal exits at once.
  const stop = (signal: NodeJS.Signals): void => {
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
}

main().catch((err: unknown) => {
  if (err instanceof ConfigError) console.error(`gateway: configuration error\n${err.message}`);
  else if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`gateway: ${(err as Error).message} (is another gateway running? set PORT)`);
  else console.error('gateway: failed to start', err);
  process.exit(1);
});
