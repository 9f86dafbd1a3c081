import { sql, type Kysely, type Transaction } from 'kysely';
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

export async function insertGeneratedContent(db: Db, c: NewGeneratedContent): Promise<GeneratedContentRow> {
  return db
    .insertInto('generated_contents')
    .values({
      template_id: c.templateId,
      ai_model: c.aiModel,
      input_variables: JSON.stringify(c.inputVariables ?? {}),
      content: c.content,
      tokens_used: c.tokensUsed,
      response_time_ms: c.responseTimeMs,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

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
