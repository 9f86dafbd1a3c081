import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { IdempotencyRecord } from './idempotency.table.ts';

/**
 * Inserts the key's row and returns true, or returns false when the row exists. While another transaction holds
 * an uncommitted row for the same key this waits for it to finish: the first caller wins, the second then sees
 * its committed row (or claims the key itself if the first rolled back).
 */
export async function claimIdempotencyKey(
  trx: Transaction<Database>,
  row: { scope: string; key: string; fingerprint: string | null },
): Promise<boolean> {
  const inserted = await trx
    .insertInto('idempotency_keys')
    .values({ ...row, result: null })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Stores the result of the operation that claimed the key. */
export async function storeIdempotencyResult(trx: Transaction<Database>, scope: string, key: string, result: unknown) {
  await trx
    .updateTable('idempotency_keys')
    .set({ result: JSON.stringify(result ?? null) })
    .where('scope', '=', scope)
    .where('key', '=', key)
    .execute();
}

/** The stored record of a key, if any. */
export async function findIdempotencyRecord(
  db: Kysely<Database>,
  scope: string,
  key: string,
): Promise<IdempotencyRecord | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
}

/** Deletes records created before `before`; returns how many. */
export async function deleteIdempotencyRecordsBefore(db: Kysely<Database>, before: Date): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}
