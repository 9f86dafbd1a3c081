import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { cachedBatch, type Cache } from '../../cache/index.ts';
import type { Database } from '../../db/database.ts';
import { loadByUuid } from '../../lib/uuid.ts';
import {
  countActiveTemplatesByCategory,
  findTemplatesByIds,
  findTemplatesByNames,
  findVersionsByTemplateIds,
} from './templates.repository.ts';
import type { TemplateRow, TemplateVersionRow } from './templates.table.ts';

/** Cache kinds of the templates domain; the invalidation in templates.cache.ts uses the same names. */
export const TEMPLATE_CACHE_KINDS = {
  byId: 'template',
  byName: 'templateByName',
  versions: 'templateVersions',
  /** List-shaped: generation-keyed. */
  categories: 'categories',
} as const;

export interface CategoryCount {
  category: string;
  count: number;
}

export interface TemplateLoaders {
  templateById: DataLoader<string, TemplateRow | null>;
  templateByName: DataLoader<string, TemplateRow | null>;
  versionsByTemplateId: DataLoader<string, TemplateVersionRow[]>;
  /** The one key is `'all'`. */
  categories: DataLoader<'all', CategoryCount[]>;
}

const K = TEMPLATE_CACHE_KINDS;

/** Per-request loaders: one cache multi-get, then one statement for the misses, per batch; results in key order. */
export function createTemplateLoaders(db: Kysely<Database>, cache: Cache): TemplateLoaders {
  const ttlMs = cache.ttl.templateMs;

  const templateById: DataLoader<string, TemplateRow | null> = new DataLoader((ids) =>
    loadByUuid(ids, null, (uuids) =>
      cachedBatch<TemplateRow | null>(
        cache,
        K.byId,
        uuids,
        async (missing) => {
          const found = new Map((await findTemplatesByIds(db, missing)).map((r) => [r.id, r]));
          return missing.map((id) => found.get(id) ?? null);
        },
        { ttlMs },
      ),
    ),
  );

  const templateByName: DataLoader<string, TemplateRow | null> = new DataLoader(async (names) => {
    const rows = await cachedBatch<TemplateRow | null>(
      cache,
      K.byName,
      names,
      async (missing) => {
        const found = new Map((await findTemplatesByNames(db, missing)).map((r) => [r.name, r]));
        return missing.map((n) => found.get(n) ?? null);
      },
      { ttlMs },
    );
    for (const r of rows) if (r) templateById.prime(r.id, r);
    return rows.map((r) => r ?? null);
  });

  const versionsByTemplateId = new DataLoader<string, TemplateVersionRow[]>((ids) =>
    loadByUuid(ids, [], (uuids) =>
      cachedBatch<TemplateVersionRow[]>(
        cache,
        K.versions,
        uuids,
        async (missing) => {
          const grouped = Map.groupBy(await findVersionsByTemplateIds(db, missing), (r) => r.template_id);
          // No versions means no such template: cached as an empty list like any other answer.
          return missing.map((id) => grouped.get(id) ?? []);
        },
        { ttlMs },
      ),
    ),
  );

  const categories = new DataLoader<'all', CategoryCount[]>(async (keys) => {
    const lists = await cachedBatch<CategoryCount[]>(
      cache,
      K.categories,
      keys,
      async (missing) => {
        const counts = await countActiveTemplatesByCategory(db);
        return missing.map(() => counts);
      },
      { ttlMs: cache.ttl.listMs, generational: true },
    );
    return lists.map((l) => l ?? []);
  });

  return { templateById, templateByName, versionsByTemplateId, categories };
}
