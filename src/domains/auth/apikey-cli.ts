import { resolveDatabase } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createDb } from '../../db/create-db.ts';
import { createLogger } from '../../logger.ts';
import { runApiKeyCommand } from './apikey-command.ts';

/** `npm run apikey -- create|list|revoke`: manages API keys in the configured database. */
const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const database = await resolveDatabase(config, logger);
const handle = createDb({ url: database.url, ...config.db });
let code = 1;
try {
  code = await runApiKeyCommand(handle.db, process.argv.slice(2), console, { cacheTtlMs: config.auth.cacheTtlMs });
} finally {
  await handle.close();
  await database.embedded?.stop();
}
process.exit(code);
