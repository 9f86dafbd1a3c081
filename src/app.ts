import { createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { createCache } from './cache/index.ts';
import type { Config } from './config.ts';
import type { AppDeps } from './context.ts';
import { createDb } from './db/create-db.ts';
import type { EmbeddedPg } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { startMemorySweeper } from './domains/memory/memory.sweeper.ts';
import { invalidateTemplates, warmTemplateCache, type TemplateIdSource } from './domains/templates/templates.cache.ts';
import { USAGE_CACHE_KINDS } from './domains/usage/usage.loaders.ts';
import { findMostUsedTemplateIds } from './domains/usage/usage.repository.ts';
import { createAuth } from './domains/auth/auth.ts';
import { scheduleIdempotencyPurge } from './domains/idempotency/idempotency.service.ts';
import { seedBuiltinTemplates } from './domains/templates/templates.seed.ts';
import type { Logger } from './logger.ts';
import { startMallocTrimmer, type MallocTrimmer } from './lib/malloc-trim.ts';
import { createObservability } from './observability/observability.ts';
import { createServer } from './server.ts';

export interface RunningApp {
  url: string;
  http: HttpServer;
  deps: AppDeps;
  /** Cache warming, running in the background after the server listens; resolves with the templates warmed. */
  warming: Promise<number>;
  /** The purge of expired idempotency keys made at start, in the background; settles when it is done. */
  firstPurge: Promise<void>;
  /** The trims of glibc's malloc arenas (MALLOC_TRIM_INTERVAL_MS): whether they run, and what they did. */
  mallocTrim: MallocTrimmer;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes every resource. */
  close(graceMs?: number): Promise<void>;
}

/** The database URL to use: DATABASE_URL, or an embedded PostgreSQL started here. */
export async function resolveDatabase(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedPg }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  // Imported only when used: a server given DATABASE_URL does not load the embedded PostgreSQL package.
  const { startEmbeddedPostgres } = await import('./db/embedded.ts');
  const embedded = await startEmbeddedPostgres({
    dir: config.embeddedPg.dir,
    port: config.embeddedPg.port,
    database: 'prompt_templates',
    log: (m) => logger.info(m),
  });
  logger.info({ port: config.embeddedPg.port, dir: config.embeddedPg.dir }, 'embedded PostgreSQL started');
  return { url: embedded.url, embedded };
}

/**
 * `npm start` bounds the V8 heap (--max-old-space-size=256): the in-process cache must fit in it with room for the
 * requests. Warns when CACHE_MAX_BYTES is over a third of the heap limit, rather than crashing out of memory later.
 */
export function warnIfCacheOutgrowsHeap(config: Config, logger: Logger, heapLimitBytes = getHeapStatistics().heap_size_limit): boolean {
  if (config.redisUrl || config.cache.maxBytes <= heapLimitBytes / 3) return false;
  logger.warn(
    { cacheMaxBytes: config.cache.maxBytes, heapLimitBytes },
    'CACHE_MAX_BYTES is over a third of the V8 heap limit: raise --max-old-space-size (see README, "Memory")',
  );
  return true;
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
      const seeded = await seedBuiltinTemplates(dbHandle.db, config.templates.categories);
      if (seeded.length) {
        logger.info({ count: seeded.length }, 'built-in templates seeded');
        // Seeding writes outside the template service: a shared cache may hold the lists from before it.
        await invalidateTemplates(cache, { before: [], after: seeded }, [USAGE_CACHE_KINDS.popular]);
      }
    }
  } catch (err) {
    await dbHandle.close();
    await cache.close();
    await database.embedded?.stop();
    throw err;
  }
  warnIfCacheOutgrowsHeap(config, logger);
  const auth = createAuth(config, dbHandle.db, logger);
  if (auth.mode === 'off') {
    logger.warn('AUTH_MODE=off: every request is allowed without an API key (set AUTH_MODE=required to require keys)');
  } else {
    logger.info({ rateLimitMax: config.auth.rateLimitMax, shared: Boolean(config.redisUrl) }, 'AUTH_MODE=required: API keys are required');
  }
  const mallocTrim = startMallocTrimmer({ intervalMs: config.ops.mallocTrimIntervalMs, logger });
  const base: AppDeps = { config, dbHandle, db: dbHandle.db, logger, cache, auth };
  const deps: AppDeps = { ...base, observability: createObservability({ ...base, mallocTrim }) };
  const purge = scheduleIdempotencyPurge(dbHandle.db, config.idempotencyKeyTtlHours, (err) =>
    logger.warn({ err }, 'purging expired idempotency keys failed'),
  );
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
  // While shutting down, in-flight requests are answered and then their connections closed: a kept-alive
  // socket would otherwise carry the client's next request into a server that is going away.
  let shuttingDown = false;
  const unanswered = new Set<ServerResponse>();
  http.prependListener('request', (_req, res) => {
    if (shuttingDown) {
      res.setHeader('connection', 'close');
      return;
    }
    unanswered.add(res);
    res.once('close', () => unanswered.delete(res));
  });
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
    firstPurge: purge.firstRun,
    mallocTrim,
    close(graceMs = config.ops.shutdownGraceMs) {
      closing ??= (async () => {
        shuttingDown = true;
        for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const timer = setTimeout(() => http.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
        purge.stop();
        await purge.firstRun;
        await stopSweeper();
        await warming;
        deps.observability?.close();
        await mallocTrim.stop();
        await auth.close();
        await cache.close();
        await dbHandle.close();
        await database.embedded?.stop();
      })();
      return closing;
    },
  };
}
