import type { Kysely } from 'kysely';
import type { Cache } from '../../cache/index.ts';
import type { Database } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import {
  categoryPagesKind,
  createTemplateLoaders,
  pageAfterCreates,
  TEMPLATE_CACHE_KINDS as K,
  templatePageQueryFromKey,
} from './templates.loaders.ts';
import { findRecentlyUpdatedActiveTemplateIds, type TemplatePageKey } from './templates.repository.ts';
import type { TemplateRow } from './templates.table.ts';

/**
 * Removes what a committed template write changed: by-id, by-name (old and new names) and versions entries,
 * and moves the categories, the pages (all unfiltered ones, and those of the categories the rows were and are
 * in), plus any other list-shaped kind that embeds templates (`alsoBump`, e.g. popular templates), to a new
 * generation. A create (`createdSince` given, nothing before) is cheaper to follow: its rows are stored as
 * their by-id entries (their ids are new), and the pages held in process take them in place and stay cached.
 */
export async function invalidateTemplates(
  cache: Cache,
  change: { before: readonly TemplateRow[]; after: readonly TemplateRow[]; createdSince?: number | undefined },
  alsoBump: readonly string[] = [],
): Promise<void> {
  const rows = [...change.before, ...change.after];
  const since = change.createdSince;
  const created = since !== undefined && change.before.length === 0 ? change.after : [];
  const names = [...new Set(rows.map((r) => r.name))];
  let pageKinds = [...new Set([K.pages, ...rows.map((r) => categoryPagesKind(r.category))])];
  let ids = [...new Set(rows.map((r) => r.id))];
  if (since !== undefined && created.length) {
    // First the rows, so a patched page never points at a row the cache lacks.
    await cache.storeCreated(K.byId, created.map((r) => ({ key: r.id, value: r })), since, cache.ttl.templateMs);
    ids = [];
    // A row changed again since its insert (an update that committed first) must not enter a page as inserted:
    // then, as with a shared store, whose pages this process cannot list, the kinds move to a new generation.
    if (created.every((r) => !cache.invalidatedSince(K.byId, r.id, since))) {
      pageKinds = pageKinds.filter(
        (kind) =>
          !cache.patchGeneration<readonly TemplatePageKey[]>(kind, (key, keys) =>
            pageAfterCreates(templatePageQueryFromKey(key), keys, created),
          ),
      );
    }
  }
  await Promise.all([
    cache.delete(K.byId, ids),
    cache.delete(K.byName, names),
    cache.delete(K.versions, ids),
    cache.bumpGeneration(K.categories),
    ...pageKinds.map((kind) => cache.bumpGeneration(kind)),
    ...alsoBump.map((kind) => cache.bumpGeneration(kind)),
  ]);
}

/** Where warming gets its template ids from, most wanted first (e.g. a most-used query once usage exists). */
export type TemplateIdSource = (db: Kysely<Database>, limit: number) => Promise<string[]>;

/**
 * Loads `count` templates (by id, by name, with their versions) and the categories into the cache through the
 * ordinary read-through path. Until a most-used source is plugged in, the most recently updated active
 * templates are warmed.
 */
export async function warmTemplateCache(
  db: Kysely<Database>,
  cache: Cache,
  opts: { count: number; source?: TemplateIdSource; logger?: Logger },
): Promise<number> {
  if (opts.count <= 0) return 0;
  const ids = await (opts.source ?? findRecentlyUpdatedActiveTemplateIds)(db, opts.count);
  const loaders = createTemplateLoaders(db, cache);
  const rows = (await loaders.templateById.loadMany(ids)).filter(
    (r): r is TemplateRow => r !== null && !(r instanceof Error),
  );
  await Promise.all([
    loaders.templateByName.loadMany(rows.map((r) => r.name)),
    loaders.versionsByTemplateId.loadMany(rows.map((r) => r.id)),
    loaders.categories.load('all'),
  ]);
  opts.logger?.info({ templates: rows.length }, 'cache warmed');
  return rows.length;
}
