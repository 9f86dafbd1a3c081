import { sql, type Kysely, type Transaction } from 'kysely';
import { coalesced } from '../../db/coalesce.ts';
import type { Database } from '../../db/database.ts';
import type { MemoryRole, MemoryRow } from './memory.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewMemory {
  sessionId: string;
  conversationId: string;
  role: MemoryRole;
  content: string;
  metadata: unknown;
  /** null: never expires. */
  ttlSeconds: number | null;
}

/** An entry is visible until the instant it expires, whatever the sweeper has done. */
const notExpired = sql<boolean>`(expires_at IS NULL OR expires_at > now())`;

/**
 * Inserts entries in one statement (atomic); expiry is computed from the database clock. The entries go as one
 * array per column, so the text is the same for any number of them: prepared once per connection, where a
 * VALUES row per entry made a new text (parsed and planned on every run) for each batch size.
 */
export async function insertMemories(db: Db, entries: readonly NewMemory[]): Promise<MemoryRow[]> {
  if (entries.length === 0) return [];
  const { rows } = await sql<MemoryRow>`
    INSERT INTO conversation_memories (session_id, conversation_id, role, content, metadata, expires_at)
    SELECT session_id, conversation_id, role, content, metadata::jsonb,
           CASE WHEN ttl IS NULL THEN NULL ELSE now() + make_interval(secs => ttl) END
    FROM unnest(${entries.map((e) => e.sessionId)}::text[], ${entries.map((e) => e.conversationId)}::text[],
                ${entries.map((e) => e.role)}::text[], ${entries.map((e) => e.content)}::text[],
                ${entries.map((e) => (e.metadata === undefined || e.metadata === null ? null : JSON.stringify(e.metadata)))}::text[],
                ${entries.map((e) => e.ttlSeconds)}::float8[])
      WITH ORDINALITY AS e(session_id, conversation_id, role, content, metadata, ttl, ord)
    ORDER BY ord
    RETURNING *`.execute(db);
  return rows.sort((a, b) => Number(a.id) - Number(b.id));
}

/** insertMemories, with the calls made together outside a transaction written by one statement (see coalesced). */
export const insertMemoriesTogether = coalesced(insertMemories, { maxItems: 1000 });

/** One page of a conversation's unexpired entries, newest first, after the (created_at, id) position. */
export async function findMemoryPage(
  db: Db,
  q: { sessionId: string; conversationId: string; limit: number; after?: { createdAt: Date; id: string } | undefined },
): Promise<MemoryRow[]> {
  let qb = db
    .selectFrom('conversation_memories')
    .selectAll()
    .where('session_id', '=', q.sessionId)
    .where('conversation_id', '=', q.conversationId)
    .where(notExpired);
  if (q.after) qb = qb.where(sql<boolean>`(created_at, id) < (${q.after.createdAt}, ${q.after.id}::bigint)`);
  return qb.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
}

/**
 * The first pages (no cursor) of several conversations in one statement, each as findMemoryPage gives it: one
 * index scan per conversation, answered per query in input order.
 */
export async function findFirstMemoryPages(
  db: Db,
  queries: readonly { sessionId: string; conversationId: string; limit: number }[],
): Promise<MemoryRow[][]> {
  if (queries.length === 0) return [];
  // The two ids are the query's own: they are not sent back with every row, and each row is built whole, in the
  // table's column order (the shape findMemoryPage's rows have), rather than copied without its `ord`.
  const { rows } = await sql<Omit<MemoryRow, 'session_id' | 'conversation_id'> & { ord: string }>`
    SELECT m.id, m.role, m.content, m.metadata, m.created_at, m.expires_at, k.ord
    FROM unnest(${queries.map((q) => q.sessionId)}::text[], ${queries.map((q) => q.conversationId)}::text[],
                ${queries.map((q) => q.limit)}::int[]) WITH ORDINALITY AS k(session_id, conversation_id, lim, ord)
    CROSS JOIN LATERAL (
      SELECT c.id, c.role, c.content, c.metadata, c.created_at, c.expires_at FROM conversation_memories c
      WHERE c.session_id = k.session_id AND c.conversation_id = k.conversation_id AND ${notExpired}
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT k.lim
    ) m
    ORDER BY k.ord, m.created_at DESC, m.id DESC`.execute(db);
  const pages: MemoryRow[][] = queries.map(() => []);
  for (const r of rows) {
    const i = Number(r.ord) - 1;
    const q = queries[i]!;
    pages[i]!.push({
      id: r.id,
      session_id: q.sessionId,
      conversation_id: q.conversationId,
      role: r.role,
      content: r.content,
      metadata: r.metadata,
      created_at: r.created_at,
      expires_at: r.expires_at,
    });
  }
  return pages;
}

/**
 * findFirstMemoryPages with the reads made together run as one statement (see coalesced): the conversations one
 * request asks for side by side, and those other requests read at the same moment.
 */
export const findFirstMemoryPagesTogether = coalesced(findFirstMemoryPages, { maxItems: 500 });

export interface ConversationSummaryRow {
  conversation_id: string;
  entry_count: number;
  last_activity_at: Date;
}

/** A session's conversations with unexpired entries, most recently active first (keyset on activity, id). */
export async function findConversationPage(
  db: Db,
  q: { sessionId: string; limit: number; after?: { lastActivityAt: Date; conversationId: string } | undefined },
): Promise<ConversationSummaryRow[]> {
  let qb = db
    .selectFrom('conversation_memories')
    .select([
      'conversation_id',
      (eb) => eb.fn.countAll<number>().as('entry_count'),
      (eb) => eb.fn.max('created_at').as('last_activity_at'),
    ])
    .where('session_id', '=', q.sessionId)
    .where(notExpired)
    .groupBy('conversation_id');
  if (q.after) {
    qb = qb.having(sql<boolean>`(max(created_at), conversation_id) < (${q.after.lastActivityAt}::timestamptz, ${q.after.conversationId})`);
  }
  const rows = await qb
    .orderBy(sql`max(created_at)`, 'desc')
    .orderBy('conversation_id', 'desc')
    .limit(q.limit)
    .execute();
  return rows.map((r) => ({ ...r, entry_count: Number(r.entry_count), last_activity_at: r.last_activity_at as Date }));
}

/** Deletes a conversation's entries; returns how many of them were still visible (unexpired). */
export async function deleteConversation(db: Db, sessionId: string, conversationId: string): Promise<number> {
  const rows = await db
    .deleteFrom('conversation_memories')
    .where('session_id', '=', sessionId)
    .where('conversation_id', '=', conversationId)
    .returning(notExpired.as('live'))
    .execute();
  return rows.filter((r) => r.live).length;
}

/**
 * Deletes up to `batch` expired entries. Rows are picked with SKIP LOCKED, so a sweep never waits on (or
 * holds long locks against) concurrent writers. Returns the number deleted.
 */
export async function deleteExpiredMemories(db: Db, batch: number): Promise<number> {
  const result = await sql`
    DELETE FROM conversation_memories WHERE id IN (
      SELECT id FROM conversation_memories WHERE expires_at <= now() ORDER BY expires_at LIMIT ${batch} FOR UPDATE SKIP LOCKED
    )
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
