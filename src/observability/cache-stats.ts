/** Counters for one kind of cached value (or for the whole cache). */
export interface CacheCounters {
  hits: number;
  misses: number;
  errors: number;
  hitRatio: number;
}

export interface CacheStatsSnapshot extends CacheCounters {
  keyCount: number;
  byKind: Record<string, CacheCounters>;
}

/**
 * What the operations side needs from the cache: its cumulative counters and, when it has a remote store,
 * a liveness check for /ready. Optional everywhere: without a cache the figures are zero and /ready checks
 * PostgreSQL alone.
 */
export interface CacheStatsSource {
  stats(): CacheStatsSnapshot;
  /** Resolves when the backing store answers; rejects (or never resolves) when it does not. */
  ping?(): Promise<unknown>;
}

export const EMPTY_CACHE_STATS: CacheStatsSnapshot = Object.freeze({
  hits: 0,
  misses: 0,
  errors: 0,
  hitRatio: 0,
  keyCount: 0,
  byKind: {},
});
