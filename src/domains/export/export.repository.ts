import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { MemoryRow } from '../memory/memory.table.ts';
import type { TemplateRow } from '../templates/templates.table.ts';

/** Every template (active only unless asked), oldest first, read through a server-side cursor. */
export function streamTemplates(
  db: Kysely<Database>,
  opts: { includeInactive: boolean; batchSize: number },
): AsyncIterableIterator<TemplateRow> {
  let q = db.selectFrom('prompt_templates').selectAll();
  if (!opts.includeInactive) q = q.where('is_active', '=', true);
  return q.orderBy('created_at').orderBy('id').stream(opts.batchSize);
}

/** A session's unexpired memory, by conversation then oldest first, read through a server-side cursor. */
export function streamSessionMemory(
  db: Kysely<Database>,
  sessionId: string,
  batchSize: number,
): AsyncIterableIterator<MemoryRow> {
  return db
    .selectFrom('conversation_memories')
    .selectAll()
    .where('session_id', '=', sessionId)
    .where(sql<boolean>`(expires_at IS NULL OR expires_at > now())`)
    .orderBy('conversation_id')
    .orderBy('created_at')
    .orderBy('id')
    .stream(batchSize);
}
