export {
  CACHE_FORMAT_VERSION,
  createCache,
  MAX_PATCHED_ENTRIES,
  MAX_UNREAD_PATCHES,
  type Cache,
  type CacheCounters,
  type CacheEntry,
  type CacheLookup,
  type CacheStats,
  type CreateCacheOptions,
} from './cache.ts';
export { cachedBatch, type CachedBatchOptions } from './cached-batch.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory-store.ts';
