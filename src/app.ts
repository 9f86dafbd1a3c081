import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { AppDeps } from './context.ts';
import { createDb } from './db/create-db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { createAuth } from './domains/auth/auth.ts';
import { scheduleIdempotencyPurge } from './domains/idempotency/idempotency.service.ts';
import { seedBuiltinTemplates } from './domains/templates/templates.seed.ts';
import type { Logger } from './logger.ts';
import { createServer } from './server.ts';

export interface RunningApp {
  url: string;
  http: HttpServer;
  deps: AppDeps;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every resource. */
  close(graceMs?: number): Promise<void>;
}

/** The database URL to use: DATABASE_URL, or an embedded PostgreSQL started here. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedPg }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const embedded = await startEmbeddedPostgres({
    dir: config.embeddedPg.dir,
    port: config.embeddedPg.port,
    database: 'prompt_templates',
    log: (m) => logger.info(m),
  });
  logger.info({ port: config.embeddedPg.port, dir: config.embeddedPg.dir }, 'embedded PostgreSQL started');
  return { url: embedded.url, embedded };
}

/** Migrates, seeds and starts listening. */
export async function startApp(config: Config, logger: Logger): Promise<RunningApp> {
  const database = await resolveDatabase(config, logger);
  const dbHandle = createDb({ url: database.url, ...config.db });
  try {
    await migrateToLatest(dbHandle.db);
    if (config.seedTemplates) {
      const n = await seedBuiltinTemplates(dbHandle.db, config.templates.categories);
      if (n) logger.info({ count: n }, 'built-in templates seeded');
    }
  } catch (err) {
    await dbHandle.close();
    await database.embedded?.stop();
    throw err;
  }
  const auth = createAuth(config, dbHandle.db, logger);
  if (auth.mode === 'off') {
    logger.warn('AUTH_MODE=off: every request is allowed without an API key (set AUTH_MODE=required to require keys)');
  } else {
    logger.info({ rateLimitMax: config.auth.rateLimitMax, shared: Boolean(config.redisUrl) }, 'AUTH_MODE=required: API keys are required');
  }
  const deps: AppDeps = { config, dbHandle, db: dbHandle.db, logger, auth };
  const stopPurge = scheduleIdempotencyPurge(dbHandle.db, config.idempotencyKeyTtlHours, (err) =>
    logger.warn({ err }, 'purging expired idempotency keys failed'),
  );
  const yoga = createServer(deps);
  const http = createHttpServer(yoga);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    http,
    deps,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const timer = setTimeout(() => http.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
        stopPurge();
        await auth.close();
        await dbHandle.close();
        await database.embedded?.stop();
      })();
      return closing;
    },
  };
}
