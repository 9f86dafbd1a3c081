import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import { cachedBatch, type Cache } from '../../cache/index.ts';
import type { Database } from '../../db/database.ts';
import { sliceOf } from '../../lib/frozen-arrays.ts';
import { loadByUuid } from '../../lib/uuid.ts';
import {
  countActiveTemplatesByCategory,
  findTemplatePageKeys,
  findTemplatesByIds,
  findTemplatesByNames,
  findVersionsByTemplateIds,
  type TemplatePageKey,
  type TemplatePageQuery,
} from './templates.repository.ts';
import type { TemplateRow, TemplateVersionRow } from './templates.table.ts';

/** Cache kinds of the templates domain; the invalidation in templates.cache.ts uses the same names. */
export const TEMPLATE_CACHE_KINDS = {
  byId: 'template',
  byName: 'templateByName',
  versions: 'templateVersions',
  /** List-shaped: generation-keyed. */
  categories: 'categories',
  /**
   * Template pages as (id, sort key) pairs, generation-keyed: a page filtered by a configured category is under
   * `templatePages:<category>`, moved only by writes to templates of that category; every other page is under
   * `templatePages`, moved by every template write.
   */
  pages: 'templatePages',
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

/**
 * Templates by id, in `ids` order (`null` or `undefined` where there is none): one cache multi-get, then one
 * statement for the misses. The ids must be canonical and distinct, as the service reads them from PostgreSQL:
 * a list page's keys are, and the page calls this directly with them, which spares a promise (and its settling)
 * per row and the checking of ids that cannot be wrong (a page's rows are not asked for by id again in the
 * request, their fields resolve from the rows). Ids from a client go through loadTemplatesById.
 */
export function loadTemplatesByStoredIds(
  db: Kysely<Database>,
  cache: Cache,
  ids: readonly string[],
): Promise<Array<TemplateRow | null | undefined>> {
  return cachedBatch<TemplateRow | null>(
    cache,
    K.byId,
    ids,
    async (missing) => {
      const found = new Map((await findTemplatesByIds(db, missing)).map((r) => [r.id, r]));
      return missing.map((id) => found.get(id) ?? null);
    },
    { ttlMs: cache.ttl.templateMs },
  );
}

/** loadTemplatesByStoredIds for any ids (the request's `templateById` loader): an id that is no UUID gets `null`. */
export function loadTemplatesById(db: Kysely<Database>, cache: Cache, ids: readonly string[]): Promise<Array<TemplateRow | null>> {
  return loadByUuid(ids, null, (uuids) => loadTemplatesByStoredIds(db, cache, uuids));
}

/** Per-request loaders: one cache multi-get, then one statement for the misses, per batch; results in key order. */
export function createTemplateLoaders(db: Kysely<Database>, cache: Cache): TemplateLoaders {
  const ttlMs = cache.ttl.templateMs;

  const templateById: DataLoader<string, TemplateRow | null> = new DataLoader((ids) => loadTemplatesById(db, cache, ids));

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

/**
 * Makes one request's loaders forget what a template write it made changed, and know the rows as written, so a
 * later field of the same operation reads them so.
 */
export function refreshTemplateLoaders(
  loaders: TemplateLoaders,
  change: { before: readonly TemplateRow[]; after: readonly TemplateRow[] },
): void {
  for (const r of change.before) {
    loaders.templateById.clear(r.id);
    loaders.templateByName.clear(r.name);
    loaders.versionsByTemplateId.clear(r.id);
  }
  for (const r of change.after) {
    loaders.templateById.clear(r.id).prime(r.id, r);
    loaders.templateByName.clear(r.name).prime(r.name, r);
    loaders.versionsByTemplateId.clear(r.id);
  }
  loaders.categories.clearAll();
}

/** The cache kind of the pages filtered by one category (see TEMPLATE_CACHE_KINDS.pages). */
export const categoryPagesKind = (category: string): string => `${K.pages}:${category}`;

/** The cache kind of the pages of a list filtered by `category`, given the configured categories. */
export function templatePageKind(category: string | null | undefined, categories: readonly string[]): string {
  return category && categories.includes(category) ? categoryPagesKind(category) : K.pages;
}

/** The cache key of one page query: the query itself as JSON, so that a key tells which page it holds. */
export function templatePageKey(q: TemplatePageQuery): string {
  const f = q.filter;
  const after = q.after ? [q.after.value instanceof Date ? q.after.value.getTime() : q.after.value, q.after.id] : null;
  return JSON.stringify([q.column, q.direction, q.limit, f.category ?? null, f.createdBy ?? null, f.search ?? null, Boolean(f.includeInactive), after]);
}

/** The page query a templatePageKey was made from. */
export function templatePageQueryFromKey(key: string): TemplatePageQuery {
  const [column, direction, limit, category, createdBy, search, includeInactive, after] = JSON.parse(key);
  return {
    column,
    direction,
    limit,
    filter: { category, createdBy, search, includeInactive },
    after: after ? { value: column === 'name' ? after[0] : new Date(after[0]), id: after[1] } : undefined,
  };
}

/**
 * A cached page (`q`, holding `keys`) after `created` were inserted: the same array when none of them can be in
 * it, the page with them in place (cut to its length) when it is ordered by a time, `undefined` (drop it) when
 * it is ordered by name or filtered by a search, where only PostgreSQL's collation and matching can tell.
 */
export function pageAfterCreates(
  q: TemplatePageQuery,
  keys: readonly TemplatePageKey[],
  created: readonly TemplateRow[],
): readonly TemplatePageKey[] | undefined {
  const f = q.filter;
  // Keyset order: by the time, then by id (PostgreSQL orders uuids as their lower-case hex), both in q.direction.
  const precedes = (a: TemplatePageKey, b: TemplatePageKey) => {
    const ahead = a.key !== b.key ? a.key > b.key : a.id > b.id;
    return q.direction === 'desc' ? ahead : !ahead;
  };
  let page = keys;
  for (const row of created) {
    if (!row.is_active && !f.includeInactive) continue;
    if ((f.category && f.category !== row.category) || (f.createdBy && f.createdBy !== row.created_by)) continue;
    if (f.search || q.column === 'name') return undefined;
    const mine: TemplatePageKey = { id: row.id, key: (q.column === 'created_at' ? row.created_at : row.updated_at).getTime() };
    if (q.after && !precedes({ id: q.after.id, key: (q.after.value as Date).getTime() }, mine)) continue;
    let at = -1;
    let present = false;
    // Ids differ in their first character fifteen times in sixteen: comparing that first spares most of the
    // string comparisons, which V8 makes through its runtime for two distinct uuids (about 30 ns each).
    const first = row.id.charCodeAt(0);
    for (let i = 0; i < page.length && !present; i++) {
      const k = page[i]!;
      // A load that saw the row committed, and was stored before this patch, holds it already.
      present = k.id.charCodeAt(0) === first && k.id === row.id;
      if (at === -1 && precedes(mine, k)) at = i;
    }
    if (present) continue;
    // After the last key: in this page only when it held every row there was (it is not full).
    if (at === -1 && page.length >= q.limit) continue;
    page = withKeyAt(page, at === -1 ? page.length : at, mine, q.limit);
  }
  return page;
}

/** `keys` (a cached page: frozen, hence sliceOf) with `key` at `at`, cut to `limit`. */
function withKeyAt(keys: readonly TemplatePageKey[], at: number, key: TemplatePageKey, limit: number): TemplatePageKey[] {
  return [...sliceOf(keys, 0, at), key, ...sliceOf(keys, at, limit - 1)];
}

/**
 * One page of templates as (id, sort key) pairs, read through the cache (list TTL): a list read again before
 * the next template write that could change it costs no statement. Concurrent reads of a page share one load.
 */
export async function loadTemplatePageKeys(
  db: Kysely<Database>,
  cache: Cache,
  categories: readonly string[],
  q: TemplatePageQuery,
): Promise<readonly TemplatePageKey[]> {
  const [keys] = await cachedBatch<readonly TemplatePageKey[]>(
    cache,
    templatePageKind(q.filter.category, categories),
    [templatePageKey(q)],
    async () => [await findTemplatePageKeys(db, q)],
    { ttlMs: cache.ttl.listMs, generational: true },
  );
  return keys ?? [];
}
