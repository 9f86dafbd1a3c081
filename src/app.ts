import { createServer as createHttpServer, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { AppDeps } from './context.ts';
import { createDb } from './db/create-db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { seedBuiltinTemplates } from './domains/templates/templates.seed.ts';
import type { Logger } from './logger.ts';
import { createObservability } from './observability/observability.ts';
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
  const base: AppDeps = { config, dbHandle, db: dbHandle.db, logger };
  const deps: AppDeps = { ...base, observability: createObservability(base) };
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
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    http,
    deps,
    close(graceMs = config.ops.shutdownGraceMs) {
      closing ??= (async () => {
        shuttingDown = true;
        for (const res of unanswered) if (!res.headersSent) res.setHeader('connection', 'close');
        const drained = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeIdleConnections();
        const timer = setTimeout(() => http.closeAllConnections(), graceMs);
        await drained;
        clearTimeout(timer);
        deps.observability?.close();
        await dbHandle.close();
        await database.embedded?.stop();
      })();
      return closing;
    },
  };
}
