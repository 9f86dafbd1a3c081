import { parseArgs } from 'node:util';
import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { findApiKeys } from './api-keys.repository.ts';
import { createApiKey, parseScopes, revokeApiKey } from './api-keys.service.ts';

export const APIKEY_USAGE = `usage:
  npm run apikey -- create --name <name> --scopes read,write,admin
  npm run apikey -- list
  npm run apikey -- revoke <id>`;

/** Runs one `npm run apikey` command against `db`; returns the exit code. A created key is printed once. */
export async function runApiKeyCommand(
  db: Kysely<Database>,
  argv: readonly string[],
  out: { log(line: string): void; error(line: string): void },
  opts: { cacheTtlMs: number },
): Promise<number> {
  try {
    const { positionals, values } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { name: { type: 'string' }, scopes: { type: 'string' } },
    });
    const [command, ...rest] = positionals;
    if (command === 'create') {
      if (!values.name || !values.scopes) throw new GraphQLError(`create needs --name and --scopes\n${APIKEY_USAGE}`);
      const { key, row } = await createApiKey(db, { name: values.name, scopes: parseScopes(values.scopes) });
      out.log(`id:     ${row.id}\nname:   ${row.name}\nscopes: ${row.scopes.join(',')}\nkey:    ${key}`);
      out.log('\nStore the key now: it is not shown again (only its hash is kept).');
    } else if (command === 'list') {
      const rows = await findApiKeys(db);
      if (!rows.length) out.log('no API keys');
      for (const r of rows) {
        const state = r.revoked_at ? `revoked ${r.revoked_at.toISOString()}` : 'active';
        const used = r.last_used_at ? r.last_used_at.toISOString() : 'never';
        out.log(`${r.id}  ${r.name}  [${r.scopes.join(',')}]  created ${r.created_at.toISOString()}  last used ${used}  ${state}`);
      }
    } else if (command === 'revoke' && rest[0]) {
      const row = await revokeApiKey(db, rest[0]);
      out.log(`revoked ${row.id} (${row.name}); every instance refuses it within ${opts.cacheTtlMs} ms`);
    } else {
      out.error(APIKEY_USAGE);
      return 2;
    }
    return 0;
  } catch (err) {
    out.error(err instanceof GraphQLError || (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? (err as Error).message : String(err));
    return 1;
  }
}
