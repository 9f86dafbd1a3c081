import { isDeepStrictEqual } from 'node:util';
import type { KeyvStoreAdapter } from 'keyv';
import { createCache } from '../../src/cache/index.ts';
import { fromCachedModelUsage, USAGE_CACHE_KINDS, type CachedModelUsage } from '../../src/domains/usage/usage.loaders.ts';
import { findModelUsageByTemplateIds, type ModelUsageRow } from '../../src/domains/usage/usage.repository.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { AppDeps } from '../../src/context.ts';
import { createDb, type QueryEvent } from '../../src/db/create-db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { TEMPLATE_CACHE_KINDS as K, templatePageQueryFromKey } from '../../src/domains/templates/templates.loaders.ts';
import { countActiveTemplatesByCategory, findTemplatePageKeys } from '../../src/domains/templates/templates.repository.ts';
import { createAuth } from '../../src/domains/auth/auth.ts';
import { seedBuiltinTemplates } from '../../src/domains/templates/templates.seed.ts';
import { createLogger } from '../../src/logger.ts';
import { createServer, type Server } from '../../src/server.ts';
import { createTestDatabase } from './db.ts';

export interface GqlResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  yoga: Server;
  deps: AppDeps;
  config: Config;
  databaseUrl: string;
  /** Runs one operation in-process through yoga's fetch. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** Records every SQL statement executed while `fn` runs. */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: QueryEvent[] }>;
  /**
   * Throws unless every template entry the cache holds equals a fresh read of the database.
   * `gql` runs it after every mutation, so the whole suite checks cache correctness as it goes.
   */
  assertCacheMatchesDatabase(): Promise<{ checked: number }>;
  close(): Promise<void>;
}

/** A migrated fresh database with a server over it; seeding is off unless asked for. */
export async function createTestApp(
  opts: {
    env?: Record<string, string>;
    seed?: boolean;
    /** A Keyv store to put under the cache instead of the configured one. */
    cacheStore?: KeyvStoreAdapter;
    /** An existing database to use instead of a fresh one (it is not dropped on close). */
    databaseUrl?: string;
  } = {},
): Promise<TestApp> {
  const database = opts.databaseUrl
    ? { url: opts.databaseUrl, drop: async () => {} }
    : await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, ...opts.env });
  const dbHandle = createDb({ url: database.url, ...config.db });
  await migrateToLatest(dbHandle.db);
  if (opts.seed) await seedBuiltinTemplates(dbHandle.db, config.templates.categories);
  const logger = createLogger('silent');
  const cache = createCache(config, logger, opts.cacheStore ? { store: opts.cacheStore } : {});
  const deps: AppDeps = { config, dbHandle, db: dbHandle.db, logger, cache, auth: createAuth(config, dbHandle.db, logger) };
  const yoga = createServer(deps);
  // Fresh reads for the consistency check go through a pool of their own, so statement counts stay exact.
  const fresh = createDb({ url: database.url, ...config.db, poolMax: 2 });
  const namesSeen = new Set<string>();
  // The template pages the cache was given, by kind, so the check below can read them back.
  const pagesStored = new Map<string, Set<string>>();
  const setMany = cache.setMany.bind(cache);
  cache.setMany = (kind, entries, ttlMs) => {
    if (kind === K.pages || kind.startsWith(`${K.pages}:`)) {
      const keys = pagesStored.get(kind) ?? new Set<string>();
      for (const e of entries) keys.add(e.key);
      pagesStored.set(kind, keys);
    }
    return setMany(kind, entries, ttlMs);
  };

  async function assertCacheMatchesDatabase(): Promise<{ checked: number }> {
    const rows = await fresh.db.selectFrom('prompt_templates').selectAll().execute();
    const versions = await fresh.db
      .selectFrom('prompt_template_versions')
      .selectAll()
      .orderBy('template_id')
      .orderBy('version', 'desc')
      .execute();
    const categories = await countActiveTemplatesByCategory(fresh.db);
    for (const r of rows) namesSeen.add(r.name);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const ids = rows.map((r) => r.id);
    const names = [...namesSeen];
    const problems: string[] = [];
    let checked = 0;
    const cachedById = await cache.getMany(K.byId, ids);
    rows.forEach((r, i) => {
      const c = cachedById[i];
      if (c === undefined) return;
      checked += 1;
      if (!isDeepStrictEqual(c, r)) problems.push(`template ${r.id}: cached ${JSON.stringify(c)} but database has ${JSON.stringify(r)}`);
    });
    const cachedByName = await cache.getMany(K.byName, names);
    names.forEach((n, i) => {
      const c = cachedByName[i];
      if (c === undefined) return;
      checked += 1;
      if (!isDeepStrictEqual(c, byName.get(n) ?? null)) problems.push(`templateByName ${n}: cached ${JSON.stringify(c)}`);
    });
    const cachedVersions = await cache.getMany(K.versions, ids);
    ids.forEach((id, i) => {
      const c = cachedVersions[i];
      if (c === undefined) return;
      checked += 1;
      const expected = versions.filter((v) => v.template_id === id);
      if (!isDeepStrictEqual(c, expected)) problems.push(`versions of ${id}: cached ${JSON.stringify(c)}`);
    });
    const gen = await cache.generation(K.categories);
    if (gen !== null) {
      const [c] = await cache.getMany(K.categories, [`g${gen}:all`]);
      if (c !== undefined) {
        checked += 1;
        if (!isDeepStrictEqual(c, categories)) problems.push(`categories: cached ${JSON.stringify(c)} but database has ${JSON.stringify(categories)}`);
      }
    }
    for (const [kind, keys] of pagesStored) {
      const gen = await cache.generation(kind);
      const prefix = `g${gen}:`;
      const current = [...keys].filter((k) => gen !== null && k.startsWith(prefix));
      const cachedPages = await cache.getMany(kind, current);
      for (const [i, key] of current.entries()) {
        if (cachedPages[i] === undefined) continue;
        checked += 1;
        const expected = await findTemplatePageKeys(fresh.db, templatePageQueryFromKey(key.slice(prefix.length)));
        if (!isDeepStrictEqual(cachedPages[i], expected)) problems.push(`${kind} ${key}: cached ${JSON.stringify(cachedPages[i])} but database has ${JSON.stringify(expected)}`);
      }
    }
    const cachedUsage = (await cache.getMany<CachedModelUsage>(USAGE_CACHE_KINDS.usage, ids)).map((c, i) =>
      c === undefined ? undefined : fromCachedModelUsage(ids[i]!, c),
    );
    const usageRows = await findModelUsageByTemplateIds(fresh.db, ids);
    ids.forEach((id, i) => {
      const c = cachedUsage[i];
      if (c === undefined) return;
      checked += 1;
      const key = (r: ModelUsageRow) => `${r.ai_model}:${r.count}:${r.success_count}:${r.response_time_sum}:${r.response_time_count}`;
      const expected = usageRows.filter((r) => r.template_id === id).map(key).sort();
      if (!isDeepStrictEqual(c.map(key).sort(), expected)) problems.push(`usage of ${id}: cached ${JSON.stringify(c)}`);
    });
    if (problems.length) throw new Error(`cache differs from the database:\n  ${problems.join('\n  ')}`);
    return { checked };
  }

  return {
    yoga,
    deps,
    config,
    databaseUrl: database.url,
    async gql(query, variables, headers = {}) {
      const res = await yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as GqlResponse;
      if (/^\s*mutation\b/.test(query)) await assertCacheMatchesDatabase();
      return body;
    },
    assertCacheMatchesDatabase,
    async countStatements(fn) {
      const statements: QueryEvent[] = [];
      const off = dbHandle.onQuery((e) => statements.push(e));
      try {
        const result = await fn();
        return { result, statements };
      } finally {
        off();
      }
    },
    async close() {
      await deps.auth.close();
      await cache.close();
      await fresh.close();
      await dbHandle.close();
      await database.drop();
    },
  };
}
