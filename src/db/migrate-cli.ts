import { resolveDatabase } from '../app.ts';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createDb } from './create-db.ts';
import { migrateToLatest } from './migrate.ts';

/** `npm run migrate`: runs pending migrations and exits; non-zero on any failure. */
const config = loadConfig();
const logger = createLogger(config.logLevel);
const database = await resolveDatabase(config, logger);
const handle = createDb({ url: database.url, ...config.db });
let code = 0;
try {
  const { results } = await migrateToLatest(handle.db);
  for (const r of results ?? []) logger.info({ migration: r.migrationName, status: r.status }, 'migration');
  logger.info({ applied: results?.length ?? 0 }, 'migrations complete');
} catch (err) {
  logger.error({ err }, 'migration failed');
  code = 1;
} finally {
  await handle.close();
  await database.embedded?.stop();
}
process.exit(code);
