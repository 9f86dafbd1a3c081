import { sql, type Kysely, type Transaction } from 'kysely';
import { coalesced } from '../../db/coalesce.ts';
import type { Database } from '../../db/database.ts';
import type { TemplateRow } from '../templates/templates.table.ts';
import type { UsageEventRow } from './usage.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface NewUsageEvent {
  templateId: string;
  aiModel: string | null;
  success: boolean;
  responseTimeMs: number | null;
}

/** Usage of one template with one model ('' = none given), summed over a period. */
export interface ModelUsageRow {
  template_id: string;
  ai_model: string;
  count: number;
  success_count: number;
  response_time_sum: number;
  response_time_count: number;
  last_used_at: Date | null;
}

/** The upsert action shared by every rollup: add the new figures to the row (`x`) already there. */
const ADD_TO_ROLLUP = sql.raw(`
  count = x.count + excluded.count, success_count = x.success_count + excluded.success_count,
  response_time_sum = x.response_time_sum + excluded.response_time_sum,
  response_time_count = x.response_time_count + excluded.response_time_count,
  last_used_at = greatest(x.last_used_at, excluded.last_used_at)`);

/**
 * Inserts usage events and adds them to every rollup (per template, per template and model, per UTC day and
 * model) in one statement, so events and rollups can never disagree. Returns the events in input order.
 * Upserts run in template order so that concurrent batches lock rollup rows in the same order.
 */
export async function insertUsageEvents(db: Db, events: readonly NewUsageEvent[]): Promise<UsageEventRow[]> {
  if (events.length === 0) return [];
  const { rows } = await sql<UsageEventRow>`
    WITH input AS (
      SELECT * FROM unnest(
        ${events.map((e) => e.templateId)}::uuid[], ${events.map((e) => e.aiModel)}::text[],
        ${events.map((e) => e.success)}::bool[], ${events.map((e) => e.responseTimeMs)}::int[]
      ) WITH ORDINALITY AS i(template_id, ai_model, success, response_time_ms, ord)
    ), ev AS (
      INSERT INTO template_usage_events (template_id, ai_model, success, response_time_ms)
      SELECT template_id, ai_model, success, response_time_ms FROM input ORDER BY ord
      RETURNING id, template_id, ai_model, success, response_time_ms, created_at
    ), agg AS (
      SELECT template_id, coalesce(ai_model, '') AS ai_model, (created_at AT TIME ZONE 'UTC')::date AS day,
             count(*) AS n, count(*) FILTER (WHERE success) AS ok,
             coalesce(sum(response_time_ms), 0) AS rt_sum, count(response_time_ms) AS rt_n, max(created_at) AS last
      FROM ev GROUP BY 1, 2, 3
    ), totals AS (
      INSERT INTO template_usage_totals AS x
        (template_id, count, success_count, response_time_sum, response_time_count, last_used_at)
      SELECT template_id, sum(n), sum(ok), sum(rt_sum), sum(rt_n), max(last) FROM agg GROUP BY template_id ORDER BY template_id
      ON CONFLICT (template_id) DO UPDATE SET ${ADD_TO_ROLLUP}
    ), models AS (
      INSERT INTO template_usage_model_totals AS x
        (template_id, ai_model, count, success_count, response_time_sum, response_time_count, last_used_at)
      SELECT template_id, ai_model, sum(n), sum(ok), sum(rt_sum), sum(rt_n), max(last)
      FROM agg GROUP BY template_id, ai_model ORDER BY template_id, ai_model
      ON CONFLICT (template_id, ai_model) DO UPDATE SET ${ADD_TO_ROLLUP}
    ), daily AS (
      INSERT INTO template_usage_daily AS x
        (template_id, day, ai_model, count, success_count, response_time_sum, response_time_count, last_used_at)
      SELECT template_id, day, ai_model, n, ok, rt_sum, rt_n, last FROM agg ORDER BY template_id, day, ai_model
      ON CONFLICT (template_id, day, ai_model) DO UPDATE SET ${ADD_TO_ROLLUP}
    )
    SELECT id::text AS id, template_id, ai_model, success, response_time_ms, created_at FROM ev ORDER BY ev.id
  `.execute(db);
  return rows;
}

/**
 * insertUsageEvents, with the calls made together outside a transaction written by one statement (see
 * coalesced): concurrent renders of a hot template add to its rollup rows once, instead of queueing on their
 * row locks one statement at a time.
 */
export const insertUsageEventsTogether = coalesced(insertUsageEvents, { maxItems: 1000 });

/** All-time usage per template and model, from the rollup (never counts events). */
export async function findModelUsageByTemplateIds(db: Db, ids: readonly string[]): Promise<ModelUsageRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('template_usage_model_totals').selectAll().where('template_id', 'in', ids).execute();
}

/**
 * Usage per template and model since a moment: whole UTC days after it from the daily rollup, plus the
 * events of its own day from that moment on. Exact, and it reads at most one day of events per template.
 */
export async function findModelUsageSince(db: Db, ids: readonly string[], since: Date): Promise<ModelUsageRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await sql<ModelUsageRow>`
    SELECT template_id, ai_model, sum(n)::bigint AS count, sum(ok)::bigint AS success_count,
           sum(rt_sum)::bigint AS response_time_sum, sum(rt_n)::bigint AS response_time_count, max(last) AS last_used_at
    FROM (
      SELECT template_id, ai_model, count AS n, success_count AS ok, response_time_sum AS rt_sum,
             response_time_count AS rt_n, last_used_at AS last
      FROM template_usage_daily
      WHERE template_id = ANY(${[...ids]}::uuid[]) AND day > (${since}::timestamptz AT TIME ZONE 'UTC')::date
      UNION ALL
      SELECT template_id, coalesce(ai_model, ''), 1, success::int, coalesce(response_time_ms, 0),
             (response_time_ms IS NOT NULL)::int, created_at
      FROM template_usage_events
      WHERE template_id = ANY(${[...ids]}::uuid[]) AND created_at >= ${since}
        AND created_at < ((${since}::timestamptz AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC'
    ) s
    GROUP BY template_id, ai_model
  `.execute(db);
  return rows;
}

/** Ids of the most used active templates, topped up with the most recently updated ones (for cache warming). */
export async function findMostUsedTemplateIds(db: Db, limit: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    (SELECT t.id FROM template_usage_totals u JOIN prompt_templates t ON t.id = u.template_id
     WHERE t.is_active ORDER BY u.count DESC, t.id LIMIT ${limit})
    UNION ALL
    (SELECT id FROM prompt_templates WHERE is_active ORDER BY updated_at DESC, id DESC LIMIT ${limit})
  `.execute(db);
  return [...new Set(rows.map((r) => r.id))].slice(0, limit);
}

/** The most used active templates with their number of uses, all time or since a moment. */
export async function findPopularTemplates(
  db: Db,
  limit: number,
  since?: Date | null,
): Promise<(TemplateRow & { usage_count: number })[]> {
  if (!since) {
    const { rows } = await sql<TemplateRow & { usage_count: number }>`
      SELECT t.*, u.count AS usage_count
      FROM template_usage_totals u JOIN prompt_templates t ON t.id = u.template_id
      WHERE t.is_active AND u.count > 0
      ORDER BY u.count DESC, t.id
      LIMIT ${limit}
    `.execute(db);
    return rows;
  }
  const { rows } = await sql<TemplateRow & { usage_count: number }>`
    SELECT t.*, s.n AS usage_count
    FROM (
      SELECT template_id, sum(n)::bigint AS n FROM (
        SELECT template_id, count AS n FROM template_usage_daily
        WHERE day > (${since}::timestamptz AT TIME ZONE 'UTC')::date
        UNION ALL
        SELECT template_id, 1 FROM template_usage_events
        WHERE created_at >= ${since}
          AND created_at < ((${since}::timestamptz AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC'
      ) p GROUP BY template_id
    ) s JOIN prompt_templates t ON t.id = s.template_id
    WHERE t.is_active
    ORDER BY s.n DESC, t.id
    LIMIT ${limit}
  `.execute(db);
  return rows;
}
