import { randomBytes } from 'node:crypto';
import { deserialize as v8Deserialize, serialize as v8Serialize } from 'node:v8';
import { Keyv, type KeyvStoreAdapter } from 'keyv';
import type { CacheConfig, Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { KeyStrings } from './key-strings.ts';
import { MemoryStore } from './memory-store.ts';
import { createRedisStore, type RedisStore } from './redis-store.ts';

/**
 * Bumped whenever the shape of a cached value changes, so a deploy never reads what an older one wrote:
 * the version is part of every key.
 */
export const CACHE_FORMAT_VERSION = 1;

/** Hit, miss and error counts of one kind of entry (or of all of them). */
export interface CacheCounters {
  hits: number;
  misses: number;
  /** Cache calls that failed or timed out. */
  errors: number;
  /** hits / (hits + misses), 0 before the first lookup. */
  hitRatio: number;
}

export interface CacheStats extends CacheCounters {
  /** Entries in the store: exact in process; for Redis the size of its database, sampled every few seconds. */
  keyCount: number;
  /** Which store backs the cache. */
  store: 'memory' | 'redis';
  /** True while the store is bypassed after failures. */
  degraded: boolean;
  /** Cache calls not even tried because the store was being bypassed (their keys count as misses). */
  bypassed: number;
  byKind: Record<string, CacheCounters>;
}

/** What a write puts into the cache: a key of one kind and its value (`null` caches "does not exist"). */
export interface CacheEntry<V> {
  key: string;
  value: V;
  /**
   * The token `lookup` gave for this key before the value was read from the database. Without it, an entry
   * for a key invalidated recently by any process is stored but not served until that stamp expires.
   */
  token?: string;
}

/** Values found (or `undefined`), plus per key the token to store a freshly loaded value with. */
export interface CacheLookup<V> {
  values: Array<V | undefined>;
  tokens: string[];
}

/**
 * The shared Keyv cache: read-through under the loaders, invalidated by the code that writes. A kind names a
 * family of entries (`template`, `templateByName`, ...); `gen` and `stamp` are reserved.
 */
export interface Cache {
  /** The TTLs configured per family of entries, for callers choosing one. */
  readonly ttl: CacheConfig['ttl'];
  /** Values for `keys` of one kind in ONE store round trip, in key order; `undefined` where absent or on failure. */
  getMany<V>(kind: string, keys: readonly string[]): Promise<Array<V | undefined>>;
  /** Like getMany, also returning the tokens to pass to setMany for what is then loaded from the database. */
  lookup<V>(kind: string, keys: readonly string[]): Promise<CacheLookup<V>>;
  /**
   * Stores entries in ONE store round trip; the TTL (default: the template TTL, capped at the longest
   * configured TTL) gets jitter per entry. The in-process store holds them when the call returns, so an
   * invalidation or a patch made right after it (before its promise settles) applies to them, not before them.
   */
  setMany<V>(kind: string, entries: readonly CacheEntry<V>[], ttlMs?: number): Promise<void>;
  /**
   * Stores what a committed write has just created under keys that are new (fresh ids: nothing can have been
   * cached or invalidated under them before the write), so the first read after it needs no statement. A key
   * invalidated in this process since `since` (`invalidationSeq(kind)`, taken before the write) is skipped. A
   * key another process invalidates after the write carries a stamp these entries lack, so they are not served.
   */
  storeCreated<V>(kind: string, entries: ReadonlyArray<{ key: string; value: V }>, since: number, ttlMs?: number): Promise<void>;
  /**
   * Invalidates entries (in every process sharing the store); an invalidation that fails is remembered and
   * replayed before the store is used again.
   */
  delete(kind: string, keys: readonly string[]): Promise<void>;
  /**
   * The current generation token of a list-shaped kind (it belongs in the key of every entry of that kind),
   * or `null` when the store cannot be reached and the kind must not be cached now.
   */
  generation(kind: string): Promise<string | null>;
  /** Orphans every entry of a list-shaped kind by moving it to a new generation. */
  bumpGeneration(kind: string): Promise<void>;
  /**
   * In process only: rewrites every cached entry of a list-shaped kind's current generation with `patch` (given
   * the entry's key without its generation, and its value; it returns the new value, the same value to keep
   * it, or `undefined` to drop it), instead of moving the kind to a new generation. An entry patched
   * MAX_UNREAD_PATCHES times since it was last read is dropped instead: keeping a page up to date costs a patch
   * per write, which only the pages being read repay (a dropped one is loaded again when next read), and a burst
   * of writes between two reads of a page does not drop it. It runs at once, so no other write can interleave,
   * and loads of the kind already running store nothing afterwards (as after a bump).
   * Returns false, having changed nothing, for a shared store, whose entries this process cannot enumerate, and
   * for a kind holding more than MAX_PATCHED_ENTRIES entries: the caller then bumps the generation.
   */
  patchGeneration<V>(kind: string, patch: (key: string, value: V) => V | undefined): boolean;
  /**
   * A counter that moves on every local invalidation of `kind`: a loader reads it before going to the
   * database, then asks `invalidatedSince` per key whether what it loaded may predate a write.
   */
  invalidationSeq(kind: string): number;
  /**
   * Whether `key` of `kind` may have been invalidated in this process since `invalidationSeq(kind)` was `seq`
   * (then a value loaded from that point on must not be stored). Exact for the last
   * `CACHE_INVALIDATION_TRACK_MAX` keys invalidated; conservative (true) for older ones whose kind's floor has
   * since moved, and true for every key of a kind whose generation was bumped since.
   */
  invalidatedSince(kind: string, key: string, seq: number): boolean;
  /**
   * Joins a load of the same key already running in this process, or starts one (no stampede). A read that starts
   * after a write has answered must not be given what was read before it, so a load is not joined once an
   * invalidation of its key (a delete, or a patch of its kind) has run in this process, nor by a reader whose
   * lookup saw another `token` (the key's stamp in a shared store: another process invalidated it since).
   */
  singleFlight<V>(kind: string, key: string, token: string, load: () => Promise<V>): Promise<V>;
  /** Spreads a TTL by the configured jitter. */
  jitter(ttlMs: number): number;
  stats(): CacheStats;
  /** Resolves when the backing store answers (at once for the in-process store); used by /ready. */
  ping(): Promise<unknown>;
  close(): Promise<void>;
}

export interface CreateCacheOptions {
  /** A Keyv store to use instead of the configured one (tests count its calls through this). */
  store?: KeyvStoreAdapter;
}

/** Kinds the cache uses for its own keys; no caller may use them. */
const GENERATION_KIND = 'gen';
const STAMP_KIND = 'stamp';
/** The token of a key whose lookup failed: nothing loaded for it is stored. */
const UNKNOWN_TOKEN = '\u0000unknown';
const KEY_COUNT_SAMPLE_MS = 5_000;
const MAX_PENDING_INVALIDATIONS = 10_000;
/** The part of a list-shaped entry's key that names its kind's generation (cachedBatch puts it first). */
export const generationPrefix = (gen: string): string => `g${gen}:`;
/** patchGeneration declines (the caller bumps instead) when a kind holds more entries than this. */
export const MAX_PATCHED_ENTRIES = 500;
/** patchGeneration drops an entry it has patched this many times since the entry was last read. */
export const MAX_UNREAD_PATCHES = 16;

/** What is stored per entry: the value and the invalidation stamp current when it was loaded. */
interface Envelope<V> {
  v: V;
  s: string;
}

/** An entry as Keyv keeps it in a store (the in-process one holds it as it is): the envelope and its expiry. */
interface Stored<V> {
  value: Envelope<V>;
  expires?: number | undefined;
}

class CacheUnavailable extends Error {}

/** Structured clone keeps Dates, Maps and `undefined` exact, so a cached row equals the row PostgreSQL gave. */
function serialize(data: unknown): string {
  return v8Serialize(data).toString('base64');
}

function deserialize<T>(data: string): T | undefined {
  try {
    return v8Deserialize(Buffer.from(data, 'base64')) as T;
  } catch {
    return undefined; // written by an incompatible runtime: treat as a miss
  }
}

/**
 * Settles as `promise` does, or fails with CacheUnavailable when it has not settled `ms` after the call. The
 * verdict waits for the I/O phase that follows the deadline (setImmediate runs after it): when the event loop
 * was busy past the deadline, a reply that arrived meanwhile is read first and wins. Otherwise a saturated
 * event loop looks like a slow store, and under load a healthy Redis was bypassed for CACHE_RETRY_INTERVAL_MS
 * at a time, sending every read to the database just when it could least take it.
 */
function timeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let verdict: NodeJS.Immediate | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        verdict = setImmediate(() => reject(new CacheUnavailable(`cache call timed out after ${ms} ms`)));
      }, ms);
    }),
  ]).finally(() => {
    clearTimeout(timer);
    if (verdict) clearImmediate(verdict);
  });
}

/**
 * Creates the cache: Redis when `REDIS_URL` is set, otherwise an in-process LRU bounded by entries and
 * bytes. Every call fails open: it gives up after `config.timeoutMs`, is counted as an error, and the caller
 * goes to the database. After `config.bypassAfterFailures` failures in a row the store is bypassed for
 * `config.retryIntervalMs`, then tried again.
 */
export function createCache(appConfig: Pick<Config, 'cache' | 'redisUrl'>, logger: Logger, options: CreateCacheOptions = {}): Cache {
  const config: CacheConfig = appConfig.cache;
  let redis: RedisStore | undefined;
  let store: KeyvStoreAdapter;
  if (options.store) store = options.store;
  else if (appConfig.redisUrl) {
    redis = createRedisStore(appConfig.redisUrl, config.timeoutMs);
    store = redis.adapter;
  } else store = new MemoryStore({ maxEntries: config.maxEntries, maxBytes: config.maxBytes });
  const storeName: CacheStats['store'] = redis ? 'redis' : 'memory';
  const memory = store instanceof MemoryStore ? store : undefined;

  // The in-process store keeps live (frozen) values: no encoding on write, no decoding on every hit.
  const keyv = new Keyv({
    store,
    useKeyPrefix: false,
    throwOnErrors: true,
    emitErrors: false,
    serialize: memory ? undefined : serialize,
    deserialize: memory ? undefined : deserialize,
  });
  keyv.namespace = undefined;

  const prefix = `${config.namespace}:v${CACHE_FORMAT_VERSION}:`;
  const internalKey = (kind: string, key: string) => `${prefix}${kind}:${key}`;
  // As many as the in-process store holds entries: the keys of every entry it can hold stay the same strings.
  const keyStrings = new KeyStrings(config.maxEntries, internalKey);
  const keyOf = (kind: string, key: string) => {
    if (kind === GENERATION_KIND || kind === STAMP_KIND) throw new TypeError(`cache kind "${kind}" is reserved`);
    return keyStrings.get(kind, key);
  };

  const counters = new Map<string, { hits: number; misses: number; errors: number }>();
  const countersOf = (kind: string) => {
    let c = counters.get(kind);
    if (!c) counters.set(kind, (c = { hits: 0, misses: 0, errors: 0 }));
    return c;
  };

  // Availability: after `bypassAfterFailures` failures in a row the store is bypassed until `downUntil`;
  // the next call then probes it, and one more failure bypasses it again.
  let downUntil = 0;
  let degraded = false;
  let failuresInARow = 0;
  let bypassed = 0;
  let failuresSinceLog = 0;
  let lastFailureLogAt = 0;
  const pendingDeletes = new Set<string>();
  const pendingBumps = new Set<string>();
  let droppedInvalidations = 0;
  let flushing: Promise<void> | undefined;

  function noteFailure(kind: string, err: unknown) {
    if (err instanceof CacheUnavailable && err.message === 'bypassed') {
      bypassed += 1;
      return;
    }
    countersOf(kind).errors += 1;
    failuresInARow += 1;
    if (failuresInARow >= config.bypassAfterFailures) {
      downUntil = Date.now() + config.retryIntervalMs;
      degraded = true;
    }
    failuresSinceLog += 1;
    const now = Date.now();
    if (now - lastFailureLogAt >= config.errorLogIntervalMs) {
      logger.warn(
        { err, failures: failuresSinceLog, store: storeName, retryInMs: config.retryIntervalMs },
        'cache store unavailable; serving from the database',
      );
      lastFailureLogAt = now;
      failuresSinceLog = 0;
    }
  }

  function remember(keys: Iterable<string>, bumps: Iterable<string>) {
    for (const k of keys) {
      if (pendingDeletes.size >= MAX_PENDING_INVALIDATIONS) droppedInvalidations += 1;
      else pendingDeletes.add(k);
    }
    for (const b of bumps) pendingBumps.add(b);
  }

  async function flushPending(): Promise<void> {
    const keys = [...pendingDeletes];
    const bumps = [...pendingBumps];
    pendingDeletes.clear();
    pendingBumps.clear();
    try {
      if (keys.length) await invalidate(keys);
      if (bumps.length) await keyv.setMany(bumps.map((k) => ({ key: genKey(k), value: newToken() })));
    } catch (err) {
      remember(keys, bumps);
      throw err;
    }
    if (droppedInvalidations) {
      logger.warn({ dropped: droppedInvalidations }, 'cache invalidations lost during an outage; those entries expire by TTL');
      droppedInvalidations = 0;
    }
  }

  /** Runs one store call under the timeout and the availability rules; throws CacheUnavailable-ish on failure. */
  async function guarded<T>(op: () => Promise<T>): Promise<T> {
    if (Date.now() < downUntil) throw new CacheUnavailable('bypassed');
    if (pendingDeletes.size || pendingBumps.size) {
      // Invalidations lost while the store was down go first, so no read can see what they removed.
      flushing ??= timeout(flushPending(), config.timeoutMs).finally(() => {
        flushing = undefined;
      });
      await flushing;
    }
    // The in-process store answers within the call; only a remote one needs the timeout.
    const result = memory ? await op() : await timeout(op(), config.timeoutMs);
    failuresInARow = 0;
    if (degraded) {
      degraded = false;
      logger.info({ store: storeName }, 'cache store available again');
    }
    return result;
  }

  // Generation and stamp tokens: unique per process (a random prefix drawn once) and within it (a counter), without
  // drawing random bytes on every write.
  const tokenPrefix = randomBytes(9).toString('base64url');
  let tokenCount = 0;
  const newToken = () => `${tokenPrefix}${(tokenCount += 1).toString(36)}`;
  // A shared store is written by other processes too: every invalidated key gets a fresh stamp, and an entry
  // counts only while it carries the stamp that was current when its value was read from the database.
  // (In process, `invalidatedSince` already keeps a load that raced a write to its key from being stored.)
  const shared = !memory;
  const stampOf = (fullKey: string) => `${prefix}${STAMP_KIND}:${fullKey.slice(prefix.length)}`;
  const longestTtlMs = Math.max(config.ttl.templateMs, config.ttl.usageMs, config.ttl.listMs);
  // A stamp must outlive any entry written under the stamp before it (TTL with jitter, plus the load time).
  const stampTtlMs = Math.ceil(2 * longestTtlMs * (1 + config.ttlJitter)) + 60_000;
  async function invalidate(fullKeys: string[]): Promise<void> {
    if (!shared) {
      await keyv.deleteMany(fullKeys);
      return;
    }
    await Promise.all([
      keyv.deleteMany(fullKeys),
      keyv.setMany(fullKeys.map((k) => ({ key: stampOf(k), value: newToken(), ttl: stampTtlMs }))),
    ]);
  }
  const genKey = (kind: string) => internalKey(GENERATION_KIND, kind);
  // In process the generations live outside the LRU, so eviction can never bring an old generation back.
  const localGenerations = new Map<string, string>();
  // In process: the keys stored under each list-shaped kind's current generation, so patchGeneration can find
  // them (keys whose entries were since evicted are dropped when a patch finds them gone), each with the number
  // of times it was patched since it was last read. Past MAX_PATCHED_ENTRIES keys tracking stops: the map then
  // only says "too many", and the kind's next patch is a bump, which starts a new generation and a new map.
  const generationKeys = new Map<string, Map<string, number>>();
  function trackGenerationKeys(kind: string, entries: readonly { key: string }[]) {
    const gen = localGenerations.get(kind);
    if (!memory || gen === undefined) return;
    const current = generationPrefix(gen);
    let tracked = generationKeys.get(kind);
    for (const { key } of entries) {
      if (tracked && tracked.size > MAX_PATCHED_ENTRIES) return;
      if (!key.startsWith(current)) continue;
      if (!tracked) generationKeys.set(kind, (tracked = new Map()));
      // Stored because it was read (a load), or by a write that a read is about to follow.
      tracked.set(key, 0);
    }
  }
  // Local invalidations, so a load racing a write does not store what it read: per kind a sequence; per key,
  // for the latest `invalidationTrackMax` keys invalidated, the sequence of its latest invalidation (the map
  // is kept in invalidation order, so its first entry is the oldest); and per kind a floor, the sequence every
  // key no longer tracked counts as invalidated at (raised when a key is forgotten, and by a generation bump).
  const invalidations = new Map<string, number>();
  const keyInvalidations = new Map<string, { kind: string; seq: number }>();
  const invalidationFloors = new Map<string, number>();
  const invalidationId = (kind: string, key: string) => `${kind}\u0000${key}`;
  const raiseFloor = (kind: string, seq: number) => {
    if ((invalidationFloors.get(kind) ?? 0) < seq) invalidationFloors.set(kind, seq);
  };
  const nextInvalidation = (kind: string) => {
    const seq = (invalidations.get(kind) ?? 0) + 1;
    invalidations.set(kind, seq);
    return seq;
  };
  function noteInvalidated(kind: string, keys: readonly string[]) {
    const seq = nextInvalidation(kind);
    for (const key of keys) {
      const id = invalidationId(kind, key);
      keyInvalidations.delete(id); // re-inserted last: the map stays in invalidation order
      keyInvalidations.set(id, { kind, seq });
    }
    if (keyInvalidations.size <= config.invalidationTrackMax) return;
    // Past the bound, the oldest are forgotten down to nine tenths of it, in one pass. A Map iterates from its
    // first slot, past the slots of entries deleted since it was last compacted: forgetting one key per write
    // would walk thousands of those on every write once the bound is reached (5.6 µs a write at 10,000 keys).
    let forget = keyInvalidations.size - (config.invalidationTrackMax - Math.floor(config.invalidationTrackMax / 10));
    for (const [id, oldest] of keyInvalidations) {
      if (forget-- <= 0) break;
      keyInvalidations.delete(id);
      raiseFloor(oldest.kind, oldest.seq);
    }
  }
  // Loads running in this process, by kind and key; an invalidation detaches those of its keys (see singleFlight).
  const inflight = new Map<string, { token: string; load: Promise<unknown> }>();
  const flightId = (kind: string, key: string) => `${kind}\u0000${key}`;
  function detachLoads(kind: string, keys?: readonly string[]) {
    if (inflight.size === 0) return;
    if (keys) for (const key of keys) inflight.delete(flightId(kind, key));
    else for (const id of inflight.keys()) if (id.startsWith(flightId(kind, ''))) inflight.delete(id);
  }

  let keyCount = 0;
  let keyCountSampledAt = 0;
  const jitter = (ttlMs: number) => {
    const spread = ttlMs * config.ttlJitter;
    return Math.max(1, Math.round(ttlMs - spread + Math.random() * 2 * spread));
  };

  async function lookup<V>(kind: string, keys: readonly string[]): Promise<CacheLookup<V>> {
    if (keys.length === 0) return { values: [], tokens: [] };
    const c = countersOf(kind);
    const full = keys.map((k) => keyOf(kind, k));
    try {
      // Shared stores: each entry's invalidation stamp comes in the same multi-get.
      // The in-process store is read directly, as it is written (see setMany), without Keyv's per-entry overhead.
      const raw = await guarded(async () => (memory ? memory.readMany(full) : keyv.getMany<unknown>(shared ? [...full, ...full.map(stampOf)] : full)));
      let hits = 0;
      const tokens: string[] = [];
      const tracked = memory ? generationKeys.get(kind) : undefined;
      const values = keys.map((key, i) => {
        const token = shared ? ((raw[keys.length + i] as string | undefined) ?? '') : '';
        tokens.push(token);
        const e = raw[i] as Envelope<V> | undefined;
        // An entry loaded before the latest invalidation of its key carries an older stamp: a miss.
        if (e === undefined || e === null || typeof e !== 'object' || e.s !== token) return undefined;
        hits += 1;
        if (tracked !== undefined && tracked.get(key)) tracked.set(key, 0);
        return e.v;
      });
      c.hits += hits;
      c.misses += keys.length - hits;
      return { values, tokens };
    } catch (err) {
      noteFailure(kind, err);
      c.misses += keys.length;
      return { values: keys.map(() => undefined), tokens: keys.map(() => UNKNOWN_TOKEN) };
    }
  }

  async function setMany<V>(kind: string, entries: readonly CacheEntry<V>[], ttlMs = config.ttl.templateMs): Promise<void> {
    const usable = entries.filter((e) => e.token !== UNKNOWN_TOKEN);
    if (usable.length === 0) return;
    const ttl = Math.min(ttlMs, longestTtlMs);
    trackGenerationKeys(kind, usable);
    const now = Date.now();
    const writes = usable.map((e) => {
      const envelope: Envelope<V> = { v: e.value, s: e.token ?? '' };
      const entryTtl = jitter(ttl);
      // The in-process store is written directly, in Keyv's own format, so the entries are there when this call
      // returns: Keyv's setMany reaches a store only some promise callbacks later, after an invalidation or a patch
      // made in the meantime, which it would then overwrite with what was meant to be removed or changed.
      const value: Envelope<V> | Stored<V> = memory ? { value: envelope, expires: now + entryTtl } : envelope;
      return { key: keyOf(kind, e.key), value, ttl: entryTtl };
    });
    try {
      await guarded(async () => (memory ? memory.setMany(writes) : void (await keyv.setMany(writes))));
    } catch (err) {
      noteFailure(kind, err);
    }
  }

  function invalidatedSince(kind: string, key: string, seq: number): boolean {
    const last = Math.max(keyInvalidations.get(invalidationId(kind, key))?.seq ?? 0, invalidationFloors.get(kind) ?? 0);
    return last > seq;
  }

  return {
    ttl: config.ttl,

    lookup,

    async getMany<V>(kind: string, keys: readonly string[]): Promise<Array<V | undefined>> {
      return (await lookup<V>(kind, keys)).values;
    },

    setMany,

    async storeCreated<V>(kind: string, entries: ReadonlyArray<{ key: string; value: V }>, since: number, ttlMs?: number): Promise<void> {
      const fresh = entries.filter((e) => !invalidatedSince(kind, e.key, since));
      // No token: such an entry counts only while its key carries no invalidation stamp at all.
      if (fresh.length) await setMany(kind, fresh, ttlMs);
    },

    async delete(kind: string, keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      noteInvalidated(kind, keys);
      detachLoads(kind, keys);
      const full = keys.map((k) => keyOf(kind, k));
      try {
        await guarded(() => invalidate(full));
      } catch (err) {
        // The invalidation may or may not have landed; replaying it is harmless.
        remember(full, []);
        noteFailure(kind, err);
      }
    },

    async generation(kind: string): Promise<string | null> {
      if (memory) {
        let g = localGenerations.get(kind);
        if (!g) localGenerations.set(kind, (g = newToken()));
        return g;
      }
      try {
        return await guarded(async () => {
          const current = await keyv.get<string>(genKey(kind));
          if (current) return current;
          // No generation yet (or it was evicted): start a fresh one, so no older entry can match it.
          const token = newToken();
          await keyv.set(genKey(kind), token);
          return token;
        });
      } catch (err) {
        noteFailure(kind, err);
        return null;
      }
    },

    async bumpGeneration(kind: string): Promise<void> {
      raiseFloor(kind, nextInvalidation(kind)); // every key of the kind
      if (memory) {
        localGenerations.set(kind, newToken());
        generationKeys.delete(kind);
        return;
      }
      try {
        await guarded(() => keyv.set(genKey(kind), newToken()));
      } catch (err) {
        remember([], [kind]);
        noteFailure(kind, err);
      }
    },

    patchGeneration<V>(kind: string, patch: (key: string, value: V) => V | undefined): boolean {
      if (!memory) return false;
      const gen = localGenerations.get(kind);
      const tracked = generationKeys.get(kind);
      // Past so many entries, one bump is cheaper than patching them all on every write.
      if (tracked && tracked.size > MAX_PATCHED_ENTRIES) return false;
      raiseFloor(kind, nextInvalidation(kind)); // loads already running store nothing, and are not joined
      detachLoads(kind);
      if (gen === undefined || !tracked) return true;
      const current = generationPrefix(gen);
      for (const [key, unreadPatches] of tracked) {
        const full = keyOf(kind, key);
        const raw = memory.peek(full) as Stored<V> | undefined;
        if (raw === undefined) {
          tracked.delete(key);
          continue;
        }
        const next = patch(key.slice(current.length), raw.value.v);
        if (next === raw.value.v) continue;
        if (next === undefined || unreadPatches >= MAX_UNREAD_PATCHES) {
          void memory.delete(full); // gone at once: the store's delete does not wait on anything
          tracked.delete(key);
          continue;
        }
        memory.replace(full, { ...raw, value: { v: next, s: raw.value.s } });
        tracked.set(key, unreadPatches + 1);
      }
      return true;
    },

    invalidationSeq(kind: string): number {
      return invalidations.get(kind) ?? 0;
    },

    invalidatedSince,

    singleFlight<V>(kind: string, key: string, token: string, load: () => Promise<V>): Promise<V> {
      const id = flightId(kind, key);
      const running = inflight.get(id);
      if (running && running.token === token) return running.load as Promise<V>;
      // A load of an older stamp goes on for those who joined it; later readers join this one.
      const p: Promise<V> = load().finally(() => {
        if (inflight.get(id)?.load === p) inflight.delete(id);
      });
      inflight.set(id, { token, load: p });
      return p;
    },

    jitter,

    stats(): CacheStats {
      if (memory) keyCount = memory.size;
      else if (redis && Date.now() - keyCountSampledAt >= KEY_COUNT_SAMPLE_MS && !degraded) {
        keyCountSampledAt = Date.now();
        redis.keyCount().then(
          (n) => {
            keyCount = n;
          },
          () => {},
        );
      }
      const byKind: Record<string, CacheCounters> = {};
      const total = { hits: 0, misses: 0, errors: 0 };
      for (const [kind, c] of counters) {
        byKind[kind] = { ...c, hitRatio: ratio(c.hits, c.misses) };
        total.hits += c.hits;
        total.misses += c.misses;
        total.errors += c.errors;
      }
      return {
        ...total,
        hitRatio: ratio(total.hits, total.misses),
        keyCount,
        store: storeName,
        degraded,
        bypassed,
        byKind,
      };
    },

    async ping(): Promise<unknown> {
      return redis ? redis.ping() : 'PONG';
    },

    async close(): Promise<void> {
      await redis?.close();
    },
  };
}

function ratio(hits: number, misses: number): number {
  return hits + misses === 0 ? 0 : hits / (hits + misses);
}
