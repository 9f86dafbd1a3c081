/**
 * `npm run seed:bulk -- --templates 10000 --usage 1000000 --memory 1000000 [--contents N] [--seed N] [--reset]`
 *
 * Seeds the reproducible load-test data set into the service's database (DATABASE_URL, or the embedded
 * PostgreSQL `npm start` uses), migrating it first. Exits 0 when seeded or already seeded, 1 on failure.
 */
import { parseArgs } from 'node:util';
import { resolveDatabase } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db/create-db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/logger.ts';
import { BULK_SEED_ARGS, bulkSeedSizes, seedBulk } from './bulk-seed.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: BULK_SEED_ARGS, strict: true });
  const sizes = bulkSeedSizes(values);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await resolveDatabase(config, logger);
  try {
    const handle = createDb({ url: database.url, ...config.db });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    const result = await seedBulk(database.url, {
      ...sizes,
      categories: config.templates.categories,
      log: (m) => logger.info(m),
    });
    const seconds = ((result.timings.total ?? 0) / 1000).toFixed(1);
    console.log(
      result.status === 'seeded'
        ? `seeded ${result.marker} in ${seconds} s: ${JSON.stringify(result.counts)}`
        : `already seeded (${result.marker}): ${JSON.stringify(result.counts)}`,
    );
    if (result.status === 'seeded') console.log(`phases (ms): ${JSON.stringify(result.timings)}`);
  } finally {
    await database.embedded?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
