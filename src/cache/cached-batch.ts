import { generationPrefix, type Cache, type CacheEntry } from './cache.ts';

export interface CachedBatchOptions {
  /** TTL of what is stored (before jitter); default: the cache's template TTL. */
  ttlMs?: number;
  /** List-shaped kinds: the key carries the kind's current generation, and bumping it invalidates them all. */
  generational?: boolean;
}

/**
 * Read-through for a DataLoader batch: ONE multi-get for all keys, `loadMissing` for the misses only (keys
 * already being loaded in this process join that load), ONE multi-set of what was loaded. `loadMissing` must
 * return one value per key, in key order; `null` is cached as "does not exist", `undefined` is not cached.
 */
export async function cachedBatch<V>(
  cache: Cache,
  kind: string,
  keys: readonly string[],
  loadMissing: (keys: readonly string[]) => Promise<ReadonlyArray<V | undefined>>,
  options: CachedBatchOptions = {},
): Promise<Array<V | undefined>> {
  if (keys.length === 0) return [];
  let prefix = '';
  if (options.generational) {
    const gen = await cache.generation(kind);
    if (gen === null) return [...(await loadMissing(keys))];
    prefix = generationPrefix(gen);
  }
  const fullKeys = keys.map((k) => prefix + k);
  const { values: cached, tokens } = await cache.lookup<V>(kind, fullKeys);
  const out: Array<V | undefined> = [...cached];

  const missing: number[] = [];
  for (let i = 0; i < keys.length; i++) if (out[i] === undefined) missing.push(i);
  if (missing.length === 0) return out;

  // Misses some other batch in this process is already loading are joined, not loaded twice.
  const joined: Array<Promise<void>> = [];
  const toLoad: number[] = [];
  let release!: (values: ReadonlyArray<V | undefined> | Error) => void;
  const mine = new Promise<ReadonlyArray<V | undefined>>((resolve, reject) => {
    release = (v) => (v instanceof Error ? reject(v) : resolve(v));
  });
  mine.catch(() => {}); // observed through the per-key promises below
  for (const i of missing) {
    let position = -1;
    const value = cache.singleFlight(kind, fullKeys[i] as string, tokens[i] as string, () => {
      position = toLoad.length;
      toLoad.push(i);
      return mine.then((values) => values[position]);
    });
    // A failed load reaches every waiter through loadMissing or Promise.all below; these copies of the failure may
    // settle while this batch is still waiting on its own load, so they are marked handled at once (an unhandled
    // rejection would end the process).
    const settled = position === -1 ? value.then((v) => void (out[i] = v)) : value;
    settled.catch(() => {});
    if (position === -1) joined.push(settled as Promise<void>);
  }

  if (toLoad.length) {
    const seq = cache.invalidationSeq(kind);
    let loaded: ReadonlyArray<V | undefined>;
    try {
      loaded = await loadMissing(toLoad.map((i) => keys[i] as string));
    } catch (err) {
      release(err instanceof Error ? err : new Error(String(err)));
      throw err;
    }
    if (loaded.length !== toLoad.length) {
      const err = new Error(`cachedBatch(${kind}): loadMissing returned ${loaded.length} values for ${toLoad.length} keys`);
      release(err);
      throw err;
    }
    release(loaded);
    const entries: CacheEntry<V>[] = [];
    toLoad.forEach((i, j) => {
      const v = loaded[j];
      out[i] = v;
      const key = fullKeys[i] as string;
      // A write that invalidated this key (or bumped the kind's generation) while we read the database may
      // have made the value stale: it is returned but not stored. Other keys of the kind are stored.
      if (v !== undefined && !cache.invalidatedSince(kind, key, seq)) entries.push({ key, value: v, token: tokens[i] as string });
    });
    if (entries.length) await cache.setMany(kind, entries, options.ttlMs);
  }
  await Promise.all(joined);
  return out;
}
