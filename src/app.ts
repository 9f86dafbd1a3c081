import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCache } from './cache/index.ts';
import type { Config } from './config.ts';
import type { AppDeps } from './context.ts';
import { createDb } from './db/create-db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startMemorySweeper } from './domains/memory/memory.sweeper.ts';
import { invalidateTemplates, warmTemplateCache, type TemplateIdSource } from './domains/templates/templates.cache.ts';
import { USAGE_CACHE_KINDS } from './domains/usage/usage.loaders.ts';
import { findMostUsedTemplateIds } from './domains/usage/usage.repository.ts';
import { seedBuiltinTemplates } from './domains/templates/templates.seed.ts';
import type { Logger } from './logger.ts';
import { createServer } from './server.ts';

export interface RunningApp {
  url: string;
  http: HttpServer;
  deps: AppDeps;
  /** Cache warming, running in the background after the server listens; resolves with the templates warmed. */
  warming: Promise<number>;
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

export interface StartOptions {
  /** Where cache warming gets its template ids; default: the most used, then the most recently updated. */
  warmSource?: TemplateIdSource;
}

/** Migrates, seeds and starts listening; the cache is warmed in the background, readiness does not wait for it. */
export async function startApp(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningApp> {
  const database = await resolveDatabase(config, logger);
  const dbHandle = createDb({ url: database.url, ...config.db });
  const cache = createCache(config, logger);
  try {
    await migrateToLatest(dbHandle.db);
    if (config.seedTemplates) {
      const n = await seedBuiltinTemplates(dbHandle.db, config.templates.categories);
      if (n) {
        logger.info({ count: n }, 'built-in templates seeded');
        // Seeding writes outside the template service: a shared cache may hold the lists from before it.
        await invalidateTemplates(cache, { before: [], after: [] }, [USAGE_CACHE_KINDS.popular]);
      }
    }
  } catch (err) {
    await dbHandle.close();
    await cache.close();
    await database.embedded?.stop();
    throw err;
  }
  const deps: AppDeps = { config, dbHandle, db: dbHandle.db, logger, cache };
  const stopSweeper = startMemorySweeper(
    dbHandle.db,
    {
      intervalMs: config.memory.sweepIntervalMs,
      batchSize: config.memory.sweepBatch,
      maxBatchesPerRun: config.memory.sweepMaxBatches,
    },
    logger,
  );
  const yoga = createServer(deps);
  const http = createHttpServer(yoga);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const warming = warmTemplateCache(dbHandle.db, cache, {
    count: config.cache.warmCount,
    source: options.warmSource ?? findMostUsedTemplateIds,
    logger,
  }).catch((err: unknown) => {
    logger.warn({ err }, 'cache warming failed');
    return 0;
  });
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    http,
    deps,
    warming,
    close(graceMs = 10_000) {
      closing ??= (async () => {
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const timer = setTimeout(() => http.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
        await stopSweeper();
        await warming;
        await cache.close();
        await dbHandle.close();
        await database.embedded?.stop();
      })();
      return closing;
    },
  };
}
