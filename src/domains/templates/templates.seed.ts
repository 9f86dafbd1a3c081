import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { BUILTIN_TEMPLATES } from './seed-data.ts';
import { claimSeed, insertTemplates } from './templates.repository.ts';
import type { TemplateRow } from './templates.table.ts';

const SEED_NAME = 'builtin-templates-v1';

/**
 * Inserts the built-in templates the first time it runs on a database, and never again: a later edit, rename
 * or deletion by a user is never undone. Templates whose category is not configured are left out. Returns the
 * rows inserted (none when the seed had run before).
 */
export async function seedBuiltinTemplates(db: Kysely<Database>, categories: readonly string[]): Promise<TemplateRow[]> {
  return db.transaction().execute(async (trx) => {
    if (!(await claimSeed(trx, SEED_NAME))) return [];
    const rows = BUILTIN_TEMPLATES.filter((t) => categories.includes(t.category)).map((t) => ({
      name: t.name,
      description: t.description,
      category: t.category,
      content: t.content,
      variables: JSON.stringify(t.variables),
      created_by: 'system',
    }));
    return insertTemplates(trx, rows, { skipExistingNames: true });
  });
}
