import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { cachedBatch, type Cache } from '../../cache/index.ts';
import type { Database } from '../../db/database.ts';
import { isUuid, loadByUuid } from '../../lib/uuid.ts';
import { findModelUsageByTemplateIds, findModelUsageSince, type ModelUsageRow } from './usage.repository.ts';

export interface UsageLoaders {
  /** All-time usage rows (one per model) of a template. */
  usageByTemplateId: DataLoader<string, readonly ModelUsageRow[]>;
  /** Usage rows of a template since a moment; one statement per distinct moment in a batch. */
  usageSinceByTemplateId: DataLoader<{ templateId: string; since: Date }, ModelUsageRow[], string>;
}

const groupByTemplate = (rows: readonly ModelUsageRow[]) => Map.groupBy(rows, (r) => r.template_id);

/**
 * One template's all-time usage as cached: a tuple per model, `[aiModel, count, successCount, responseTimeSum,
 * responseTimeCount, lastUsedAt (epoch ms) | null]`. Deserialising 50 of these per page costs about a fifth of
 * what the same rows as objects (with their template id and Date) cost, and they take a fifth of the bytes.
 */
export type CachedModelUsage = [string, number, number, number, number, number | null][];

/** The compact cached form of one template's rows. */
export function toCachedModelUsage(rows: readonly ModelUsageRow[]): CachedModelUsage {
  return rows.map((r) => [
    r.ai_model,
    Number(r.count),
    Number(r.success_count),
    Number(r.response_time_sum),
    Number(r.response_time_count),
    r.last_used_at ? new Date(r.last_used_at).getTime() : null,
  ]);
}

/**
 * Rows already made from a cached form, by that form's identity: the in-process cache hands out the same frozen
 * array on every hit, so its rows are made once (a Redis hit is a fresh array, and its entry goes with it).
 */
const decoded = new WeakMap<CachedModelUsage, readonly ModelUsageRow[]>();

/** The rows of one template back from their cached form (shared and frozen: not to be changed). */
export function fromCachedModelUsage(templateId: string, cached: CachedModelUsage): readonly ModelUsageRow[] {
  const known = decoded.get(cached);
  if (known && (known.length === 0 || known[0]!.template_id === templateId)) return known;
  const rows = Object.freeze(cached.map(([aiModel, count, successCount, rtSum, rtCount, lastUsedAt]) => Object.freeze({
    template_id: templateId,
    ai_model: aiModel,
    count,
    success_count: successCount,
    response_time_sum: rtSum,
    response_time_count: rtCount,
    last_used_at: lastUsedAt === null ? null : new Date(lastUsedAt),
  })));
  decoded.set(cached, rows);
  return rows;
}

/** Cache kinds of the usage domain. */
export const USAGE_CACHE_KINDS = {
  /**
   * All-time per-model usage of one template, in its compact form (CachedModelUsage); deleted by each usage write,
   * short TTL. Named apart from the earlier `usage` kind (rows as objects), so instances of either version sharing
   * a Redis never read each other's entries.
   */
  usage: 'modelUsage',
  /** Popular-template lists: generation-keyed, short TTL, bumped by template writes. */
  popular: 'popularTemplates',
} as const;

/** Per-request usage loaders; all-time usage reads through the shared cache. */
export function createUsageLoaders(db: Kysely<Database>, cache: Cache): UsageLoaders {
  return {
    usageByTemplateId: new DataLoader(async (ids) => {
      const lists = await loadByUuid(ids, [] as CachedModelUsage, (uuids) =>
        cachedBatch<CachedModelUsage>(
          cache,
          USAGE_CACHE_KINDS.usage,
          uuids,
          async (missing) => {
            const grouped = groupByTemplate(await findModelUsageByTemplateIds(db, missing));
            return missing.map((id) => toCachedModelUsage(grouped.get(id) ?? []));
          },
          { ttlMs: cache.ttl.usageMs },
        ),
      );
      return ids.map((id, i) => fromCachedModelUsage(id.toLowerCase(), lists[i]!));
    }),
    usageSinceByTemplateId: new DataLoader(
      async (keys) => {
        const bySince = Map.groupBy(keys.filter((k) => isUuid(k.templateId)), (k) => k.since.getTime());
        const results = new Map<number, Map<string, ModelUsageRow[]>>();
        await Promise.all(
          [...bySince].map(async ([since, ks]) => {
            const ids = ks.map((k) => k.templateId);
            results.set(since, groupByTemplate(await findModelUsageSince(db, ids, new Date(since))));
          }),
        );
        return keys.map((k) => results.get(k.since.getTime())?.get(k.templateId.toLowerCase()) ?? []);
      },
      { cacheKeyFn: (k) => `${k.templateId}|${k.since.getTime()}` },
    ),
  };
}
