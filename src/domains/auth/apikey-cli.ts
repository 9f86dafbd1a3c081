import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import { resolveDatabase } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createDb } from '../../db/create-db.ts';
import { createLogger } from '../../logger.ts';
import { findApiKeys } from './api-keys.repository.ts';
import { createApiKey, parseScopes, revokeApiKey } from './api-keys.service.ts';

const USAGE = `usage:
  npm run apikey -- create --name <name> --scopes read,write,admin
  npm run apikey -- list
  npm run apikey -- revoke <id>`;

/** `npm run apikey`: creates, lists and revokes API keys; a created key is printed once and never again. */
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, scopes: { type: 'string' } },
});
const [command, ...rest] = positionals;
const config = loadConfig();
const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
const database = await resolveDatabase(config, logger);
const handle = createDb({ url: database.url, ...config.db });
let code = 0;
try {
  if (command === 'create') {
    if (!values.name || !values.scopes) throw new GraphQLError(`create needs --name and --scopes\n${USAGE}`);
    const { key, row } = await createApiKey(handle.db, { name: values.name, scopes: parseScopes(values.scopes) });
    console.log(`id:     ${row.id}\nname:   ${row.name}\nscopes: ${row.scopes.join(',')}\nkey:    ${key}`);
    console.log('\nStore the key now: it is not shown again (only its hash is kept).');
  } else if (command === 'list') {
    const rows = await findApiKeys(handle.db);
    if (!rows.length) console.log('no API keys');
    for (const r of rows) {
      const state = r.revoked_at ? `revoked ${r.revoked_at.toISOString()}` : 'active';
      const used = r.last_used_at ? r.last_used_at.toISOString() : 'never';
      console.log(`${r.id}  ${r.name}  [${r.scopes.join(',')}]  created ${r.created_at.toISOString()}  last used ${used}  ${state}`);
    }
  } else if (command === 'revoke' && rest[0]) {
    const row = await revokeApiKey(handle.db, rest[0]);
    console.log(`revoked ${row.id} (${row.name}); every instance refuses it within ${config.auth.cacheTtlMs} ms`);
  } else {
    console.error(USAGE);
    code = 2;
  }
} catch (err) {
  console.error(err instanceof GraphQLError ? err.message : err);
  code = 1;
} finally {
  await handle.close();
  await database.embedded?.stop();
}
process.exit(code);
