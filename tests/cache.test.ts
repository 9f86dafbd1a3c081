import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyvStoreAdapter } from 'keyv';
import { startApp } from '../src/app.ts';
import { serialize } from 'node:v8';
import { cachedBatch, createCache, MAX_PATCHED_ENTRIES, MAX_UNREAD_PATCHES, MemoryStore } from '../src/cache/index.ts';
import { sizeOf } from '../src/cache/memory-store.ts';
import { loadConfig } from '../src/config.ts';
import { warmTemplateCache } from '../src/domains/templates/templates.cache.ts';
import { createLogger } from '../src/logger.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { createTestDatabase } from './helpers/db.ts';

const logger = createLogger('silent');
const config = (env: Record<string, string> = {}) => loadConfig({ NODE_ENV: 'test', ...env });

/** A MemoryStore that counts the calls made to it, per method. */
function countingStore(inner: KeyvStoreAdapter = new MemoryStore({ maxEntries: 10_000, maxBytes: 50_000_000 })) {
  const calls: Record<string, number> = {};
  const store = new Proxy(inner, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (typeof v !== 'function' || typeof prop !== 'string') return v;
      return (...args: unknown[]) => {
        calls[prop] = (calls[prop] ?? 0) + 1;
        return v.apply(target, args);
      };
    },
  });
  const reset = () => {
    for (const k of Object.keys(calls)) delete calls[k];
  };
  return { store, calls, reset };
}

/** Lets every pending promise callback and I/O-free step run. */
const settle = () => new Promise((r) => setImmediate(r));

const CREATE = `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id name } }`;
let seq = 0;
function input(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    name: `c-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    category: 'data',
    content: 'Hello {{ who }}',
    variables: [{ name: 'who' }],
    ...overrides,
  };
}

describe('in-process store', () => {
  it('is bounded by entries and by bytes, evicting the least recently used', async () => {
    const byCount = new MemoryStore({ maxEntries: 3, maxBytes: 1_000_000 });
    for (const k of ['a', 'b', 'c', 'd']) await byCount.set(k, 'x');
    expect(byCount.size).toBe(3);
    expect(await byCount.get('a')).toBeUndefined();

    const byBytes = new MemoryStore({ maxEntries: 1_000, maxBytes: 1_000 });
    for (let i = 0; i < 20; i++) await byBytes.set(`k${i}`, 'v'.repeat(100));
    expect(byBytes.bytes).toBeLessThanOrEqual(1_000);
    expect(byBytes.size).toBeLessThan(20);
    expect(await byBytes.get('k19')).toBe('v'.repeat(100));
    expect(() => new MemoryStore({ maxEntries: 0, maxBytes: 10 })).toThrow('maxEntries must be a positive integer, got 0');
  });

  it('holds live values, deep-frozen, and bounds objects by about their serialized size', async () => {
    const cache = createCache(config({}), logger);
    const row = { id: 'a', variables: [{ name: 'who' }], updatedAt: new Date(1_700_000_000_000) };
    await cache.setMany('k', [{ key: 'a', value: row }]);
    const [got] = await cache.getMany<typeof row>('k', ['a']);
    // No copy: the reader gets the stored object itself, and nobody can change it.
    expect(got).toBe(row);
    expect(Object.isFrozen(got) && Object.isFrozen(got!.variables) && Object.isFrozen(got!.variables[0])).toBe(true);
    expect(() => {
      (got!.variables[0] as { name: string }).name = 'changed';
    }).toThrow(TypeError);

    // Binary views cannot be frozen: stored as they are, not refused.
    await cache.setMany('k', [{ key: 'bin', value: { bytes: Buffer.from('abc') } }]);
    expect((await cache.getMany<{ bytes: Buffer }>('k', ['bin']))[0]!.bytes.toString()).toBe('abc');

    const byBytes = new MemoryStore({ maxEntries: 1_000, maxBytes: 2_000 });
    for (let i = 0; i < 20; i++) await byBytes.set(`k${i}`, { text: 'v'.repeat(200) });
    expect(byBytes.bytes).toBeLessThanOrEqual(2_000);
    expect(byBytes.size).toBeLessThan(10);
  });

  it('charges a value about its serialized size, walking rows and pages and serializing what it does not know', () => {
    const row = {
      id: '0192f3a4-1b2c-7d3e-8f90-000000000001',
      name: 'summarise-text',
      content: 'Summarise {{ text }} for {{ audience }}.'.repeat(3),
      variables: [{ name: 'text', required: true }, { name: 'audience', required: false, defaultValue: 'engineers' }],
      version: 3,
      is_active: true,
      metadata: null,
      created_at: new Date(1_700_000_000_000),
    };
    const page = Array.from({ length: 20 }, (_, i) => ({ id: `0192f3a4-1b2c-7d3e-8f90-${String(i).padStart(12, '0')}`, key: 1_795_856_948_062 + i }));
    const envelope = { value: { v: row, s: '' }, expires: 1_795_856_948_062 };
    for (const value of [row, page, envelope, { text: 'v'.repeat(5_000) }]) {
      const exact = serialize(value).byteLength;
      expect(sizeOf(value)).toBeGreaterThanOrEqual(exact * 0.9);
      expect(sizeOf(value)).toBeLessThanOrEqual(exact * 1.2);
    }
    // Grows with what it holds, element by element.
    expect(sizeOf(page)).toBeGreaterThan(sizeOf(page.slice(1)));
    // Past the walk's depth, and for what it does not know, the exact serialized size.
    let deep: unknown = 'leaf';
    for (let i = 0; i < 40; i++) deep = [deep];
    expect(sizeOf(deep)).toBeGreaterThan(40);
    const map = new Map([['k', 'v'.repeat(300)]]);
    expect(sizeOf(map)).toBe(serialize(map).byteLength);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(sizeOf(cyclic)).toBeGreaterThan(0);
  });

  it('charges a patched page what it charges a fresh copy of it: remembered item sizes are the walked ones', () => {
    const item = (i: number) => ({ id: `0192f3a4-1b2c-7d3e-8f90-${String(i).padStart(12, '0')}`, key: 1_795_856_948_062 + i, ...(i % 3 ? {} : { note: 'x'.repeat(i) }) });
    const frozen = (items: object[]) => Object.freeze(items.map((o) => Object.freeze(o)));
    const page = frozen(Array.from({ length: 40 }, (_, i) => item(i)));
    const fresh = (items: readonly object[]) => structuredClone(items) as object[]; // unfrozen: walked, never remembered
    expect(sizeOf(page)).toBe(sizeOf(fresh(page)));
    // The page after a create: a new item in front, the last one cut, the others the same frozen objects.
    const patched = Object.freeze([Object.freeze(item(99)), ...page.slice(0, -1)]);
    expect(sizeOf(patched)).toBe(sizeOf(fresh(patched)));
    expect(sizeOf(patched) - sizeOf(page)).toBe(sizeOf(item(99)) - sizeOf(item(39)));
    // The same frozen items in a short list (walked) and in a value holding both lists.
    const short = Object.freeze(page.slice(0, 3));
    expect(sizeOf(short)).toBe(sizeOf(fresh(short)));
    expect(sizeOf({ v: patched, s: '' })).toBe(sizeOf({ v: fresh(patched), s: '' }));
  });

  it('bounds the cache as configured by CACHE_MAX_ENTRIES', async () => {
    const cache = createCache(config({ CACHE_MAX_ENTRIES: '5' }), logger);
    await cache.setMany('k', Array.from({ length: 20 }, (_, i) => ({ key: String(i), value: i })));
    expect(cache.stats().keyCount).toBe(5);
    const got = await cache.getMany<number>('k', ['0', '19']);
    expect(got).toEqual([undefined, 19]);
  });
  it('reads several entries in one call, as Keyv does: recently used, out of their envelope, expired ones deleted', async () => {
    const store = new MemoryStore({ maxEntries: 3, maxBytes: 1_000_000 });
    const now = Date.now();
    await store.set('live', { value: 'a', expires: now + 60_000 });
    await store.set('forever', { value: 'b' });
    await store.set('expired', { value: 'c', expires: now - 1 });
    expect(store.readMany(['live', 'forever', 'expired', 'absent'])).toEqual(['a', 'b', undefined, undefined]);
    expect(store.size).toBe(2); // the expired entry is gone
    // Read in that order, 'live' is now the least recently used: the fourth entry evicts it, not 'forever'.
    await store.set('x', { value: 'x' });
    await store.set('y', { value: 'y' });
    expect(store.readMany(['forever', 'x', 'y', 'live'])).toEqual(['b', 'x', 'y', undefined]);
  });
});

describe('cache API', () => {
  it('keeps values exact (Dates, null, nested JSON), counts hits and misses per kind, and namespaces keys', async () => {
    const { store, calls } = countingStore();
    const cache = createCache(config({ CACHE_NAMESPACE: 'ns1' }), logger, { store });
    const row = { id: 'a', at: new Date('2026-01-02T03:04:05.678Z'), vars: [{ name: 'x', defaultValue: { $date: 1 } }] };
    await cache.setMany('t', [
      { key: 'a', value: row },
      { key: 'none', value: null },
    ]);
    const [a, none, absent] = await cache.getMany<typeof row | null>('t', ['a', 'none', 'absent']);
    expect(a).toEqual(row);
    expect(a?.at).toBeInstanceOf(Date);
    expect(none).toBeNull();
    expect(absent).toBeUndefined();
    await cache.getMany('other', ['a']);
    // One store call per batch: the in-process store is read directly (readMany), not through Keyv.
    expect(calls.readMany).toBe(2);
    expect(calls.getMany ?? 0).toBe(0);
    expect(calls.setMany).toBe(1);
    expect(calls.get ?? 0).toBe(0);
    expect(cache.stats()).toMatchObject({
      hits: 2,
      misses: 2,
      errors: 0,
      hitRatio: 0.5,
      store: 'memory',
      byKind: { t: { hits: 2, misses: 1, errors: 0 }, other: { hits: 0, misses: 1, hitRatio: 0 } },
    });
    // Another namespace (or format version) never reads these entries.
    const other = createCache(config({ CACHE_NAMESPACE: 'ns2' }), logger, { store });
    expect(await other.getMany('t', ['a'])).toEqual([undefined]);
    await cache.delete('t', ['a']);
    expect(await cache.getMany('t', ['a'])).toEqual([undefined]);
  });

  it('spreads TTLs by the configured jitter', () => {
    const cache = createCache(config({ CACHE_TTL_JITTER: '0.2' }), logger);
    const ttls = Array.from({ length: 200 }, () => cache.jitter(10_000));
    for (const t of ttls) {
      expect(t).toBeGreaterThanOrEqual(8_000);
      expect(t).toBeLessThanOrEqual(12_000);
    }
    expect(new Set(ttls).size).toBeGreaterThan(50);
  });

  it('moves a list-shaped kind to a new generation on bump', async () => {
    const cache = createCache(config(), logger);
    const g1 = await cache.generation('list');
    expect(await cache.generation('list')).toBe(g1);
    await cache.bumpGeneration('list');
    const g2 = await cache.generation('list');
    expect(g2).not.toBe(g1);
    let loads = 0;
    const load = async (keys: readonly string[]) => keys.map(() => ++loads);
    expect(await cachedBatch(cache, 'list', ['all'], load, { generational: true })).toEqual([1]);
    expect(await cachedBatch(cache, 'list', ['all'], load, { generational: true })).toEqual([1]);
    await cache.bumpGeneration('list');
    expect(await cachedBatch(cache, 'list', ['all'], load, { generational: true })).toEqual([2]);
  });

  it('applies calls in the order they are made: a store followed at once by an invalidation or a patch (in process)', async () => {
    const cache = createCache(config(), logger);
    // An invalidation made right after a store, before the store's promise settled, wins.
    const stored = cache.setMany('T', [{ key: 'k', value: 'before the write', token: '' }]);
    const deleted = cache.delete('T', ['k']);
    await Promise.all([stored, deleted]);
    expect(await cache.getMany('T', ['k'])).toEqual([undefined]);
    // A patch made right after a page is stored finds it, and the page stays patched and tracked.
    const gen = await cache.generation('P');
    const key = `g${gen}:first`;
    const storedPage = cache.setMany('P', [{ key, value: ['a'], token: '' }]);
    expect(cache.patchGeneration<string[]>('P', (_, v) => [...v, 'b'])).toBe(true);
    await storedPage;
    expect(await cache.getMany('P', [key])).toEqual([['a', 'b']]);
    expect(cache.patchGeneration<string[]>('P', (_, v) => [...v, 'c'])).toBe(true);
    expect(await cache.getMany('P', [key])).toEqual([['a', 'b', 'c']]);
  });
});

describe('cachedBatch', () => {
  it('loads each missing key once however many batches miss it at the same time (no stampede)', async () => {
    const cache = createCache(config(), logger);
    const loaded: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async (keys: readonly string[]) => {
      loaded.push([...keys]);
      await gate;
      return keys.map((k) => `v:${k}`);
    };
    const batches = [
      cachedBatch(cache, 'k', ['a', 'b'], load),
      cachedBatch(cache, 'k', ['b', 'c'], load),
      ...Array.from({ length: 8 }, () => cachedBatch(cache, 'k', ['a'], load)),
    ];
    for (let i = 0; i < 5; i++) await settle();
    release();
    const results = await Promise.all(batches);
    expect(loaded).toEqual([['a', 'b'], ['c']]);
    expect(results[0]).toEqual(['v:a', 'v:b']);
    expect(results[1]).toEqual(['v:b', 'v:c']);
    for (const r of results.slice(2)) expect(r).toEqual(['v:a']);
    // And once loaded, they are served from the cache.
    expect(await cachedBatch(cache, 'k', ['a', 'b', 'c'], load)).toEqual(['v:a', 'v:b', 'v:c']);
    expect(loaded).toHaveLength(2);
  });

  it('does not store what it loaded when the key was invalidated during the load', async () => {
    const cache = createCache(config(), logger);
    const value = await cachedBatch(cache, 'k', ['a'], async (keys) => {
      await cache.delete('k', ['a']); // a write committing while the database is read
      return keys.map(() => 'old');
    });
    expect(value).toEqual(['old']);
    expect(await cache.getMany('k', ['a'])).toEqual([undefined]);
  });

  it('stores what a write created, unless its key was invalidated in this process after the mark', async () => {
    const cache = createCache(config(), logger);
    const since = cache.invalidationSeq('k');
    await cache.storeCreated('k', [{ key: 'a', value: 'created' }], since);
    expect(await cache.getMany('k', ['a'])).toEqual(['created']);
    // An update of the new row that committed between the insert and the store: the created value must not land.
    const before = cache.invalidationSeq('k');
    await cache.delete('k', ['b']);
    await cache.storeCreated('k', [{ key: 'b', value: 'created' }, { key: 'c', value: 'created' }], before);
    expect(await cache.getMany('k', ['b', 'c'])).toEqual([undefined, 'created']);
  });

  it('patches a list-shaped kind in place, in process only, and a load running meanwhile stores nothing', async () => {
    const cache = createCache(config(), logger);
    const lists = (keys: readonly string[]) => keys.map((k) => [k]);
    await cachedBatch(cache, 'L', ['a', 'b', 'k'], async (keys) => lists(keys), { generational: true });
    const loaded = await cachedBatch(
      cache,
      'L',
      ['c'],
      async (keys) => {
        // A write patches while this load reads the database: what it read may predate the write.
        const patched = cache.patchGeneration<string[]>('L', (key, v) => (key === 'a' ? [...v, 'x'] : key === 'b' ? undefined : v));
        expect(patched).toBe(true);
        return lists(keys);
      },
      { generational: true },
    );
    expect(loaded).toEqual([['c']]);
    const gen = await cache.generation('L');
    expect(await cache.getMany('L', ['a', 'b', 'c', 'k'].map((k) => `g${gen}:${k}`))).toEqual([['a', 'x'], undefined, undefined, ['k']]);
    // After a bump nothing of the old generation is patched, or found.
    await cache.bumpGeneration('L');
    expect(cache.patchGeneration<string[]>('L', () => ['y'])).toBe(true);
    const next = await cache.generation('L');
    expect(await cache.getMany('L', [`g${next}:a`, `g${gen}:a`])).toEqual([undefined, ['a', 'x']]);
    // Past MAX_PATCHED_ENTRIES entries of a kind, a bump is cheaper: nothing is patched, the caller must bump.
    const many = Array.from({ length: MAX_PATCHED_ENTRIES + 1 }, (_, i) => `p${i}`);
    await cachedBatch(cache, 'M', many, async (keys) => lists(keys), { generational: true });
    expect(cache.patchGeneration<string[]>('M', () => ['y'])).toBe(false);
    const mGen = await cache.generation('M');
    expect(await cache.getMany('M', [`g${mGen}:p0`])).toEqual([['p0']]);
    // A shared store's entries cannot be listed by one process: nothing is patched, the caller must bump.
    const shared = createCache(config(), logger, { store: new Map() as unknown as KeyvStoreAdapter });
    await cachedBatch(shared, 'L', ['a'], async (keys) => lists(keys), { generational: true });
    expect(shared.patchGeneration<string[]>('L', () => ['y'])).toBe(false);
    const sharedGen = await shared.generation('L');
    expect(await shared.getMany('L', [`g${sharedGen}:a`])).toEqual([['a']]);
  });

  it('drops a page it has patched MAX_UNREAD_PATCHES times since it was last read, instead of patching it again', async () => {
    const cache = createCache(config(), logger);
    await cachedBatch(cache, 'R', ['hot', 'cold'], async (keys) => keys.map((k) => [k]), { generational: true });
    const gen = await cache.generation('R');
    const read = (key: string) => cache.getMany<string[]>('R', [`g${gen}:${key}`]).then(([v]) => v);
    let patches = 0;
    const patch = () => {
      patches += 1;
      expect(cache.patchGeneration<string[]>('R', (_, v) => [...v, String(patches)])).toBe(true);
    };
    // A burst of writes between two reads: both pages patched each time.
    for (let i = 0; i < MAX_UNREAD_PATCHES; i++) patch();
    const all = Array.from({ length: MAX_UNREAD_PATCHES }, (_, i) => String(i + 1));
    expect(await read('hot')).toEqual(['hot', ...all]);
    // The next write patches the page just read and drops the other, patched MAX_UNREAD_PATCHES times unread.
    patch();
    expect(await read('hot')).toEqual(['hot', ...all, String(patches)]);
    expect(await read('cold')).toBeUndefined();
    // A page read after every write is patched however many writes there are.
    for (let i = 0; i < 2 * MAX_UNREAD_PATCHES; i++) {
      patch();
      expect((await read('hot'))?.at(-1)).toBe(String(patches));
    }
  });

  it('stores what it loaded for the other keys of a kind while one key of it is invalidated', async () => {
    const cache = createCache(config(), logger);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async (keys: readonly string[]) => {
      await gate;
      return keys.map((k) => `v:${k}`);
    };
    // Two batches read the database while a write to key 'a' commits and invalidates it.
    const batches = [cachedBatch(cache, 'k', ['a', 'b'], load), cachedBatch(cache, 'k', ['c'], load)];
    for (let i = 0; i < 3; i++) await settle();
    await cache.delete('k', ['a']);
    release();
    expect(await Promise.all(batches)).toEqual([['v:a', 'v:b'], ['v:c']]);
    expect(await cache.getMany('k', ['a', 'b', 'c'])).toEqual([undefined, 'v:b', 'v:c']);
    // A load that starts after the invalidation is stored again.
    await cachedBatch(cache, 'k', ['a'], async (keys) => keys.map(() => 'new'));
    expect(await cache.getMany('k', ['a'])).toEqual(['new']);
  });

  it('does not store a list-shaped value loaded while its generation was bumped', async () => {
    const cache = createCache(config(), logger);
    const g1 = await cache.generation('list');
    await cachedBatch(
      cache,
      'list',
      ['all'],
      async (keys) => {
        await cache.bumpGeneration('list');
        return keys.map(() => 'old');
      },
      { generational: true },
    );
    expect(await cache.getMany('list', [`g${g1}:all`])).toEqual([undefined]);
    const g2 = await cache.generation('list');
    await cachedBatch(cache, 'list', ['all'], async (keys) => keys.map(() => 'new'), { generational: true });
    expect(await cache.getMany('list', [`g${g2}:all`])).toEqual(['new']);
  });

  it('forgets the oldest tracked invalidations a tenth of the bound at a time, each raising its kind\'s floor', async () => {
    const cache = createCache(config({ CACHE_INVALIDATION_TRACK_MAX: '10' }), logger);
    for (let i = 1; i <= 10; i++) await cache.delete('k', [`k${i}`]); // invalidations 1 to 10 of kind 'k'
    // All ten are tracked: a key never invalidated counts from the floor, still 0.
    expect(cache.invalidatedSince('k', 'never', 0)).toBe(false);
    expect(cache.invalidatedSince('k', 'k1', 0)).toBe(true);
    expect(cache.invalidatedSince('k', 'k1', 1)).toBe(false);
    await cache.delete('k', ['k11']); // the eleventh: k1 and k2 are forgotten, nine are kept
    expect(cache.invalidatedSince('k', 'never', 1)).toBe(true); // the floor is now 2
    expect(cache.invalidatedSince('k', 'never', 2)).toBe(false);
    expect(cache.invalidatedSince('k', 'k3', 2)).toBe(true); // still tracked, at 3
    expect(cache.invalidatedSince('k', 'k3', 3)).toBe(false);
    for (let i = 12; i <= 100; i++) await cache.delete('k', [`k${i}`]);
    // Never more than the bound: the floor has followed the forgotten ones, the latest are tracked one by one.
    expect(cache.invalidatedSince('k', 'never', 89)).toBe(true);
    expect(cache.invalidatedSince('k', 'k100', 99)).toBe(true);
    expect(cache.invalidatedSince('k', 'k100', 100)).toBe(false);
  });

  it('still refuses a stale value after its key has been forgotten by the bounded invalidation tracking', async () => {
    const cache = createCache(config({ CACHE_INVALIDATION_TRACK_MAX: '1' }), logger);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const load = async (keys: readonly string[]) => {
      await gate;
      return keys.map((k) => `old:${k}`);
    };
    const batch = cachedBatch(cache, 'k', ['a', 'c'], load);
    for (let i = 0; i < 3; i++) await settle();
    await cache.delete('k', ['a']); // the write to 'a' ...
    await cache.delete('k', ['b']); // ... is forgotten (only one key is tracked) ...
    await cache.delete('other', ['x']); // ... and so is 'b'
    release();
    expect(await batch).toEqual(['old:a', 'old:c']);
    // The forgotten invalidation of 'a' still holds through the kind's floor; 'c', loaded at the same time,
    // is refused too (the floor is conservative), while the other kind is unaffected.
    expect(await cache.getMany('k', ['a', 'c'])).toEqual([undefined, undefined]);
    expect(cache.invalidatedSince('other', 'y', 0)).toBe(false);
    // Loads that start afterwards are stored as usual.
    await cachedBatch(cache, 'k', ['a', 'c'], async (keys) => keys.map((k) => `new:${k}`));
    expect(await cache.getMany('k', ['a', 'c'])).toEqual(['new:a', 'new:c']);
  });

  it('passes a loader error to every batch waiting on the same key and caches nothing', async () => {
    const cache = createCache(config(), logger);
    let fail = true;
    const load = async (keys: readonly string[]) => {
      await settle();
      if (fail) throw new Error('database down');
      return keys.map(() => 1);
    };
    const [a, b] = await Promise.allSettled([cachedBatch(cache, 'k', ['x'], load), cachedBatch(cache, 'k', ['x'], load)]);
    expect(a.status).toBe('rejected');
    expect(b.status).toBe('rejected');
    fail = false;
    expect(await cachedBatch(cache, 'k', ['x'], load)).toEqual([1]);
  });

  it('leaves no unhandled rejection behind when the database fails (a crash of the whole service)', async () => {
    const seen: unknown[] = [];
    const onUnhandled = (reason: unknown) => seen.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const cache = createCache(config(), logger);
      const load = async () => {
        await settle();
        throw new Error('database down');
      };
      const results = await Promise.allSettled([
        cachedBatch(cache, 'down', ['x', 'y'], load),
        cachedBatch(cache, 'down', ['y', 'z'], load),
      ]);
      expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(seen).toEqual([]);
  });
});

describe('fail open', () => {
  /** A remote-like store whose calls hang (never settle) or throw while `mode` says so. */
  function flakyStore() {
    const inner = new MemoryStore({ maxEntries: 1000, maxBytes: 1_000_000 });
    const state = { mode: 'ok' as 'ok' | 'hang' | 'throw' };
    // Not a MemoryStore to the cache (the in-process store cannot hang, so the cache puts no timeout on it).
    const store = new Proxy({} as MemoryStore, {
      get(_, prop) {
        const target = inner;
        const v = Reflect.get(target, prop, target);
        if (typeof v !== 'function' || prop === 'on') return v;
        return (...args: unknown[]) => {
          if (state.mode === 'hang') return new Promise(() => {});
          if (state.mode === 'throw') return Promise.reject(new Error('connection refused'));
          return v.apply(target, args);
        };
      },
    });
    return { store, state };
  }

  it('gives up after the timeout, bypasses the store for the retry interval, replays lost invalidations, then resumes', async () => {
    const { store, state } = flakyStore();
    const warnings: unknown[] = [];
    const spy = { ...logger, warn: (...a: unknown[]) => warnings.push(a), info: () => {} } as unknown as typeof logger;
    const cache = createCache(
      config({
        CACHE_TIMEOUT_MS: '20',
        CACHE_BYPASS_AFTER_FAILURES: '2',
        CACHE_RETRY_INTERVAL_MS: '60',
        CACHE_ERROR_LOG_INTERVAL_MS: '600000',
      }),
      spy,
      { store },
    );
    await cache.setMany('k', [{ key: 'a', value: 'old' }]);
    state.mode = 'hang';
    expect(await cache.getMany('k', ['a'])).toEqual([undefined]);
    expect(cache.stats()).toMatchObject({ errors: 1, degraded: false });
    // The invalidation fails too: it is remembered, and two failures in a row make the store bypassed.
    state.mode = 'throw';
    await cache.delete('k', ['a']);
    expect(cache.stats()).toMatchObject({ errors: 2, degraded: true, bypassed: 0 });
    // The store answers again, but the stale 'old' is never served: the call is either bypassed or runs
    // after the remembered invalidation has been replayed.
    state.mode = 'ok';
    expect(await cache.getMany('k', ['a'])).toEqual([undefined]);
    expect(warnings).toHaveLength(1); // logged once per interval, not once per failure
    state.mode = 'ok';
    // After the retry interval the store is used again; the lost delete is replayed before any read.
    let value: unknown;
    for (let i = 0; i < 100 && value === undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      await cache.setMany('k', [{ key: 'b', value: 'b' }]);
      [value] = await cache.getMany('k', ['b']);
    }
    expect(value).toBe('b');
    expect(await cache.getMany('k', ['a'])).toEqual([undefined]);
    expect(cache.stats().degraded).toBe(false);
  });
});

describe('through GraphQL (in-process store)', () => {
  let app: TestApp;
  let counter: ReturnType<typeof countingStore>;
  beforeAll(async () => {
    counter = countingStore();
    app = await createTestApp({ cacheStore: counter.store });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('makes one multi-get and one multi-set per batch, then serves the batch with no SQL', async () => {
    const made = await Promise.all(Array.from({ length: 6 }, () => app.gql(CREATE, { input: input() })));
    const ids = made.map((r) => r.data.createTemplate.id as string);
    const q = `query { ${ids.map((_, i) => `t${i}: template(id: "${ids[i]}") { name version }`).join(' ')} }`;
    await app.deps.cache.delete('template', ids); // a create stores its row: dropped, so the batch must load
    counter.reset();
    const first = await app.countStatements(() => app.gql(q));
    expect(first.result.errors).toBeUndefined();
    expect(first.statements).toHaveLength(1);
    expect(counter.calls).toEqual({ readMany: 1, setMany: 1 });
    counter.reset();
    const second = await app.countStatements(() => app.gql(q));
    expect(second.result.data).toEqual(first.result.data);
    expect(second.statements).toHaveLength(0);
    expect(counter.calls).toEqual({ readMany: 1 });
  });

  it('serves categories from the cache until a write moves them to a new generation', async () => {
    const Q = `{ categories { category count } }`;
    const before = await app.gql(Q);
    const cached = await app.countStatements(() => app.gql(Q));
    expect(cached.statements).toHaveLength(0);
    expect(cached.result.data).toEqual(before.data);
    await app.gql(CREATE, { input: input({ category: 'quality' }) });
    const after = await app.gql(Q);
    const count = (r: any) => r.data.categories.find((c: any) => c.category === 'quality')?.count ?? 0;
    expect(count(after)).toBe(count(before) + 1);
  });

  it('a cached read equals a fresh database read after every kind of write', async () => {
    const t = (await app.gql(CREATE, { input: input() })).data.createTemplate;
    const read = `query($id: ID!, $name: String!) {
      template(id: $id) { name version content description isActive versions { version content } }
      templateByName(name: $name) { id }
    }`;
    const mutations: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!) { updateTemplate(id: $id, input: { description: "d2" }) { id } }`, { id: t.id }],
      [`mutation($id: ID!) { updateTemplate(id: $id, input: { content: "Hi {{ who }}!" }) { id } }`, { id: t.id }],
      [`mutation($id: ID!) { updateTemplate(id: $id, input: { name: "${t.name}-renamed" }) { id } }`, { id: t.id }],
      [`mutation($id: ID!) { restoreTemplateVersion(id: $id, version: 1) { id } }`, { id: t.id }],
      [`mutation($id: ID!) { deleteTemplate(id: $id) { id } }`, { id: t.id }],
    ];
    const other = (await app.gql(CREATE, { input: input() })).data.createTemplate;
    await app.gql(read, { id: other.id, name: other.name }); // an entry no write below touches
    let name = t.name as string;
    for (const [m, vars] of mutations) {
      await app.gql(read, { id: t.id, name }); // fill the cache with the state before the write
      await app.gql(`{ categories { count } }`);
      await app.gql(m, vars); // gql checks every cached entry against the database after a mutation
      const row = await app.deps.db.selectFrom('prompt_templates').selectAll().where('id', '=', t.id).executeTakeFirstOrThrow();
      const { checked } = await app.assertCacheMatchesDatabase();
      expect(checked).toBeGreaterThan(0);
      const res = await app.gql(read, { id: t.id, name: row.name });
      expect(res.data.template).toMatchObject({ name: row.name, version: row.version, content: row.content, isActive: row.is_active });
      expect(res.data.templateByName).toEqual({ id: t.id });
      if (row.name !== name) {
        const old = await app.gql(`query($n: String!) { templateByName(name: $n) { id } }`, { n: name });
        expect(old.data.templateByName).toBeNull();
        name = row.name;
      }
    }
  });

  it('warms the most recently updated active templates so reading them needs no SQL', async () => {
    const fresh = await createTestApp();
    try {
      for (let i = 0; i < 4; i++) await fresh.gql(CREATE, { input: input() });
      const ids = (await fresh.deps.db.selectFrom('prompt_templates').select('id').orderBy('updated_at', 'desc').execute()).map((r) => r.id);
      const custom = await warmTemplateCache(fresh.deps.db, fresh.deps.cache, {
        count: 3,
        source: async (_db, limit) => ids.slice(-limit),
      });
      expect(custom).toBe(3);
      const warmed = await warmTemplateCache(fresh.deps.db, fresh.deps.cache, { count: 2 });
      expect(warmed).toBe(2);
      const q = `{ ${ids.map((id, i) => `t${i}: template(id: "${id}") { name versions { version } }`).join(' ')} categories { count } }`;
      const res = await fresh.countStatements(() => fresh.gql(q));
      expect(res.result.errors).toBeUndefined();
      expect(res.statements).toHaveLength(0);
    } finally {
      await fresh.close();
    }
  });
});

describe('warming at start', () => {
  it('runs in the background: the server answers before warming ends, and warming uses the pluggable source', async () => {
    const db = await createTestDatabase();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let asked = 0;
    const app = await startApp(
      loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, CACHE_WARM_COUNT: '5' }),
      logger,
      {
        warmSource: async (kysely, limit) => {
          asked = limit;
          await gate;
          const rows = await kysely.selectFrom('prompt_templates').select('id').orderBy('name').limit(limit).execute();
          return rows.map((r) => r.id);
        },
      },
    );
    try {
      let warmed: number | undefined;
      void app.warming.then((n) => (warmed = n));
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ templateByName(name: "zero-shot") { name } }' }),
      });
      expect(await res.json()).toEqual({ data: { templateByName: { name: 'zero-shot' } } });
      expect(warmed).toBeUndefined();
      expect(asked).toBe(5);
      release();
      expect(await app.warming).toBe(5);
      expect(app.deps.cache.stats().byKind.template?.misses).toBe(5);
    } finally {
      release();
      await app.close();
      await db.drop();
    }
  });
});
