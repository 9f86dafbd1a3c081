import type { Kysely, Transaction } from 'kysely';
import type { Cache } from '../../cache/index.ts';
import type { Database } from '../../db/database.ts';
import { badInput } from '../../errors.ts';
import { insertUsageEventsTogether, type ModelUsageRow, type NewUsageEvent } from './usage.repository.ts';
import { USAGE_CACHE_KINDS } from './usage.loaders.ts';
import type { UsageEventRow } from './usage.table.ts';

export const MAX_MODEL_NAME_LENGTH = 100;
/** A response time above a day is certainly a unit mistake. */
export const MAX_RESPONSE_TIME_MS = 86_400_000;

export interface UsageSummary {
  count: number;
  successCount: number;
  successRate: number;
  avgResponseTimeMs: number | null;
  lastUsedAt: Date | null;
  byModel: { aiModel: string | null; count: number; successRate: number; avgResponseTimeMs: number | null }[];
}

const rate = (ok: number, n: number) => (n === 0 ? 0 : ok / n);
const avg = (sum: number, n: number) => (n === 0 ? null : sum / n);

/** Folds per-model rollup rows into the figures the API shows. */
export function summariseUsage(rows: readonly ModelUsageRow[]): UsageSummary {
  let count = 0;
  let successCount = 0;
  let rtSum = 0;
  let rtCount = 0;
  let lastUsedAt: Date | null = null;
  for (const r of rows) {
    count += Number(r.count);
    successCount += Number(r.success_count);
    rtSum += Number(r.response_time_sum);
    rtCount += Number(r.response_time_count);
    if (r.last_used_at && (!lastUsedAt || r.last_used_at > lastUsedAt)) lastUsedAt = r.last_used_at;
  }
  const byModel = [...rows]
    .sort(
      (a, b) =>
        Number(b.count) - Number(a.count) ||
        Number(a.ai_model === '') - Number(b.ai_model === '') ||
        a.ai_model.localeCompare(b.ai_model),
    )
    .map((r) => ({
      aiModel: r.ai_model === '' ? null : r.ai_model,
      count: Number(r.count),
      successRate: rate(Number(r.success_count), Number(r.count)),
      avgResponseTimeMs: avg(Number(r.response_time_sum), Number(r.response_time_count)),
    }));
  return {
    count,
    successCount,
    successRate: rate(successCount, count),
    avgResponseTimeMs: avg(rtSum, rtCount),
    lastUsedAt,
    byModel,
  };
}

/** Every problem with a usage event's fields, as messages. */
export function usageEventProblems(e: { aiModel?: string | null; responseTimeMs?: number | null }): string[] {
  const problems: string[] = [];
  if (e.aiModel != null && (e.aiModel.length === 0 || e.aiModel.length > MAX_MODEL_NAME_LENGTH)) {
    problems.push(`aiModel must be 1 to ${MAX_MODEL_NAME_LENGTH} characters`);
  }
  if (e.responseTimeMs != null && (e.responseTimeMs < 0 || e.responseTimeMs > MAX_RESPONSE_TIME_MS)) {
    problems.push(`responseTimeMs must be between 0 and ${MAX_RESPONSE_TIME_MS}`);
  }
  return problems;
}

/**
 * Validates and records usage events (with their rollups) in one statement, shared with the other calls made at
 * the same moment outside a transaction (all of this call's events or none), then drops the cached usage of
 * the templates it touched. Popular-template lists are left to their short TTL: bumping them on every event
 * would make them uncacheable under load.
 */
export async function recordUsageEvents(
  db: Kysely<Database> | Transaction<Database>,
  cache: Cache,
  events: readonly NewUsageEvent[],
  /** Defers the cache invalidation until the caller's transaction commits; by default it runs at once. */
  afterCommit: (fn: () => unknown) => void = (fn) => void fn(),
): Promise<UsageEventRow[]> {
  for (const e of events) {
    const problems = usageEventProblems(e);
    if (problems.length) throw badInput(`Invalid usage event: ${problems.join('; ')}`, { problems });
  }
  const rows = await insertUsageEventsTogether(db, events);
  if (rows.length) {
    const ids = [...new Set(rows.map((r) => r.template_id))];
    let invalidated: Promise<void> | undefined;
    afterCommit(() => (invalidated = cache.delete(USAGE_CACHE_KINDS.usage, ids)));
    await invalidated;
  }
  return rows;
}
