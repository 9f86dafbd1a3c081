import { ConfigError, loadConfig } from './config.ts';
import { startApp } from './app.ts';
import { createLogger } from './logger.ts';

/** Entry point: config → dependencies → server → listen; graceful shutdown on SIGTERM and SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  const what = config.limits.graphiql ? 'GraphQL API and GraphiQL' : 'GraphQL API';
  logger.info({ url: `${app.url}/graphql` }, `${what} at ${app.url}/graphql`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    app.close(config.ops.shutdownGraceMs).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // This entry point owns the process's signals (the embedded PostgreSQL is loaded without its own exit hooks):
  // shut down in order, close() stopping the embedded PostgreSQL last.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(signal));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
