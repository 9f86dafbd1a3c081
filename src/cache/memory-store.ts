import { serialize } from 'node:v8';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { LRUCache } from 'lru-cache';

export interface MemoryStoreOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes kept, counting each value at its serialized size, and its key. */
  maxBytes: number;
}

/** Bytes charged per entry on top of key and value, for the bookkeeping around them. */
const ENTRY_OVERHEAD_BYTES = 64;

/** What a value costs: strings by length, objects by their structured-clone size (measured once, on write). */
function sizeOf(value: unknown): number {
  return typeof value === 'string' ? value.length : serialize(value).byteLength;
}

/**
 * Freezes a value and everything it holds, so a value shared by every reader cannot be changed by one. Binary
 * views (Buffers, typed arrays) cannot be frozen and are left as they are; a Date's time can still be set: the
 * cache's readers only read.
 */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * An in-process Keyv store over lru-cache, bounded by entries and by bytes, with native multi-get and
 * multi-set so that one batch costs one store call. It holds what Keyv hands over as it is: with Keyv's
 * serialization turned off (as the cache does for this store) that is the live value, deep-frozen, so a hit
 * costs no decoding and every reader gets the same immutable object.
 */
export class MemoryStore implements KeyvStoreAdapter {
  opts: MemoryStoreOptions;
  namespace?: string | undefined;
  readonly #lru: LRUCache<string, {}>;

  constructor(options: MemoryStoreOptions) {
    for (const name of ['maxEntries', 'maxBytes'] as const) {
      const v = options[name];
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`MemoryStore: ${name} must be a positive integer, got ${v}`);
    }
    this.opts = { ...options };
    this.#lru = new LRUCache<string, {}>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => sizeOf(value) + key.length + ENTRY_OVERHEAD_BYTES,
    });
  }

  /** Number of entries held now (expired ones included until they are touched or evicted). */
  get size(): number {
    return this.#lru.size;
  }

  /** Approximate bytes held now. */
  get bytes(): number {
    return this.#lru.calculatedSize;
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.#lru.get(key) as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    return keys.map((k) => this.#lru.get(k) as StoredData<Value | undefined>);
  }

  async set(key: string, value: {}, ttl?: number): Promise<boolean> {
    this.#lru.set(key, deepFreeze(value), ttl ? { ttl } : undefined);
    return true;
  }

  async setMany(entries: Array<{ key: string; value: {}; ttl?: number }>): Promise<void> {
    for (const e of entries) this.#lru.set(e.key, deepFreeze(e.value), e.ttl ? { ttl: e.ttl } : undefined);
  }

  /**
   * The entry as stored (for Keyv: `{ value, expires }`), at once and without making it recently used;
   * `undefined` when absent or expired.
   */
  peek(key: string): unknown {
    return this.#lru.peek(key);
  }

  /** Replaces an entry that is present, at once, keeping its time to live; false when it is absent. */
  replace(key: string, value: {}): boolean {
    if (!this.#lru.has(key)) return false;
    this.#lru.set(key, deepFreeze(value), { noUpdateTTL: true });
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.#lru.delete(key);
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let any = false;
    for (const k of keys) any = this.#lru.delete(k) || any;
    return any;
  }

  async has(key: string): Promise<boolean> {
    return this.#lru.has(key);
  }

  async clear(): Promise<void> {
    this.#lru.clear();
  }

  // Keyv subscribes to store errors when the store offers `on`; this store never fails.
  on(): this {
    return this;
  }
}
