import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { coalesced } from '../../db/coalesce.ts';
import type { Database } from '../../db/database.ts';
import type { GeneratedContentRow } from './content.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewGeneratedContent {
  templateId: string;
  aiModel: string | null;
  inputVariables: unknown;
  content: string;
  tokensUsed: number | null;
  responseTimeMs: number | null;
}

/** One page request: newest first, after the (created_at, id) position when given, `limit` rows. */
export interface ContentPageKey {
  templateId: string;
  limit: number;
  after?: { createdAt: Date; id: string } | undefined;
}

/**
 * Inserts generated contents in one statement (atomic), each answered with its own row, in input order. The ids
 * are made here, so each row is matched to its input by id; the contents go as one array per column, one text
 * for any number of them (prepared once per connection).
 */
export async function insertGeneratedContents(db: Db, items: readonly NewGeneratedContent[]): Promise<GeneratedContentRow[]> {
  if (items.length === 0) return [];
  const ids = items.map(() => randomUUID());
  const { rows } = await sql<GeneratedContentRow>`
    INSERT INTO generated_contents (id, template_id, ai_model, input_variables, content, tokens_used, response_time_ms)
    SELECT id, template_id, ai_model, input_variables::jsonb, content, tokens_used, response_time_ms
    FROM unnest(${ids}::uuid[], ${items.map((c) => c.templateId)}::uuid[], ${items.map((c) => c.aiModel)}::text[],
                ${items.map((c) => JSON.stringify(c.inputVariables ?? {}))}::text[], ${items.map((c) => c.content)}::text[],
                ${items.map((c) => c.tokensUsed)}::int[], ${items.map((c) => c.responseTimeMs)}::int[])
      AS c(id, template_id, ai_model, input_variables, content, tokens_used, response_time_ms)
    RETURNING *`.execute(db);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Error(`insertGeneratedContents returned no row for ${id}`);
    return row;
  });
}

/**
 * insertGeneratedContents, with the contents recorded together outside a transaction written by one statement
 * (see coalesced). A content whose template was deleted meanwhile fails alone (the batch is run again call by call).
 */
export const insertGeneratedContentsTogether = coalesced(insertGeneratedContents, { maxItems: 500 });

export async function findGeneratedContentsByIds(db: Db, ids: readonly string[]): Promise<GeneratedContentRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('generated_contents').selectAll().where('id', 'in', ids).execute();
}

/**
 * Pages of generated content for many templates in one statement: a LATERAL join runs one index range
 * scan per requested page, each with its own position and size. Rows carry the index of their request.
 */
export async function findGeneratedContentPages(
  db: Db,
  keys: readonly ContentPageKey[],
): Promise<(GeneratedContentRow & { req: number })[]> {
  if (keys.length === 0) return [];
  const { rows } = await sql<GeneratedContentRow & { req: number }>`
    SELECT r.req::int AS req, g.*
    FROM unnest(
      ${keys.map((k) => k.templateId)}::uuid[],
      ${keys.map((k) => k.limit)}::int[],
      ${keys.map((k) => k.after?.createdAt ?? null)}::timestamptz[],
      ${keys.map((k) => k.after?.id ?? null)}::uuid[]
    ) WITH ORDINALITY AS r(template_id, lim, after_at, after_id, req)
    CROSS JOIN LATERAL (
      SELECT * FROM generated_contents c
      WHERE c.template_id = r.template_id
        AND (r.after_at IS NULL OR (c.created_at, c.id) < (r.after_at, r.after_id))
      ORDER BY c.created_at DESC, c.id DESC
      LIMIT r.lim
    ) g
    ORDER BY r.req, g.created_at DESC, g.id DESC
  `.execute(db);
  return rows;
}
