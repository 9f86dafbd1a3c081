import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { LRUCache } from 'lru-cache';

export interface MemoryStoreOptions {
  /** Most entries kept; the least recently used go first. */
  maxEntries: number;
  /** Most bytes kept, counting each serialized value and its key. */
  maxBytes: number;
}

/** Bytes charged per entry on top of key and value, for the bookkeeping around them. */
const ENTRY_OVERHEAD_BYTES = 64;

/**
 * An in-process Keyv store over lru-cache, bounded by entries and by bytes, with native multi-get and
 * multi-set so that one batch costs one store call. Values are the serialized strings Keyv hands over.
 */
export class MemoryStore implements KeyvStoreAdapter {
  opts: MemoryStoreOptions;
  namespace?: string | undefined;
  readonly #lru: LRUCache<string, string>;

  constructor(options: MemoryStoreOptions) {
    for (const name of ['maxEntries', 'maxBytes'] as const) {
      const v = options[name];
      if (!Number.isInteger(v) || v < 1) throw new TypeError(`MemoryStore: ${name} must be a positive integer, got ${v}`);
    }
    this.opts = { ...options };
    this.#lru = new LRUCache<string, string>({
      max: options.maxEntries,
      maxSize: options.maxBytes,
      sizeCalculation: (value, key) => value.length + key.length + ENTRY_OVERHEAD_BYTES,
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

  async set(key: string, value: string, ttl?: number): Promise<boolean> {
    this.#lru.set(key, value, ttl ? { ttl } : undefined);
    return true;
  }

  async setMany(entries: Array<{ key: string; value: string; ttl?: number }>): Promise<void> {
    for (const e of entries) this.#lru.set(e.key, e.value, e.ttl ? { ttl: e.ttl } : undefined);
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
