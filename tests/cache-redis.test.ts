import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app.ts';
import { cachedBatch, createCache } from '../src/cache/index.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { createTestDatabase } from './helpers/db.ts';
import { dropNamespace, redisSkipReason, uniqueNamespace } from './helpers/redis.ts';

if (redisSkipReason) console.warn(`Skipping the Redis cache tests: ${redisSkipReason}`);

const REDIS_URL = process.env.REDIS_URL as string;
const logger = createLogger('silent');

async function post(url: string, query: string, variables?: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as { data?: any; errors?: any[] };
}

/** Waits until a Redis-backed cache answers (it connects in the background). */
async function untilConnected(cache: ReturnType<typeof createCache>) {
  for (let i = 0; i < 200; i++) {
    if ((await cache.generation('probe')) !== null) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('Redis never became reachable');
}

describe.skipIf(!!redisSkipReason)('Redis cache', () => {
  const namespace = uniqueNamespace();
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ env: { REDIS_URL, CACHE_NAMESPACE: namespace } });
    await untilConnected(app.deps.cache);
  });
  afterAll(async () => {
    await app?.close();
    await dropNamespace(REDIS_URL, namespace);
  });

  it('stores under the namespace and format version, reads back exact rows, and counts Redis keys', async () => {
    const t = (await app.gql(`mutation { createTemplate(input: { name: "r-${namespace}", category: "data", content: "x" }) { id } }`)).data
      .createTemplate;
    const q = `query($id: ID!) { template(id: $id) { name createdAt versions { version } } }`;
    const first = await app.countStatements(() => app.gql(q, { id: t.id }));
    expect(first.statements.length).toBeGreaterThan(0);
    const second = await app.countStatements(() => app.gql(q, { id: t.id }));
    expect(second.statements).toHaveLength(0);
    expect(second.result.data).toEqual(first.result.data);
    expect((await app.assertCacheMatchesDatabase()).checked).toBeGreaterThan(0);
    const stats = app.deps.cache.stats();
    expect(stats.store).toBe('redis');
    expect(stats.byKind.template?.hits).toBeGreaterThan(0);
    const { createClient } = await import('@keyv/redis');
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    try {
      expect(await client.exists(`${namespace}:v1:template:${t.id}`)).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('a cached read equals a fresh database read after every write, with Redis', async () => {
    const t = (await app.gql(`mutation { createTemplate(input: { name: "w-${namespace}", category: "data", content: "x" }) { id name } }`))
      .data.createTemplate;
    const read = `query($id: ID!, $n: String!) { template(id: $id) { version content } templateByName(name: $n) { id } categories { count } }`;
    await app.gql(read, { id: t.id, n: t.name });
    await app.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { content: "y", name: "w2-${namespace}" }) { id } }`, { id: t.id });
    const res = await app.gql(read, { id: t.id, n: `w2-${namespace}` });
    expect(res.data.template).toEqual({ version: 2, content: 'y' });
    expect(res.data.templateByName).toEqual({ id: t.id });
    expect((await app.gql(read, { id: t.id, n: t.name })).data.templateByName).toBeNull();
  });
});

describe.skipIf(!!redisSkipReason)('invalidation across processes sharing Redis', () => {
  const namespace = uniqueNamespace();
  const config = loadConfig({ NODE_ENV: 'test', REDIS_URL, CACHE_NAMESPACE: namespace });
  const a = createCache(config, logger);
  const b = createCache(config, logger);
  beforeAll(async () => {
    await untilConnected(a);
    await untilConnected(b);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await dropNamespace(REDIS_URL, namespace);
  });

  it('never serves a value one process loaded before another process invalidated it', async () => {
    // B misses and reads the database; A commits a write and invalidates while B is still loading.
    const loaded = await cachedBatch(b, 'k', ['x'], async (keys) => {
      await a.delete('k', ['x']);
      return keys.map(() => 'old');
    });
    expect(loaded).toEqual(['old']);
    expect(await a.getMany('k', ['x'])).toEqual([undefined]);
    expect(await b.getMany('k', ['x'])).toEqual([undefined]);
    // The next load is cached and served to both.
    expect(await cachedBatch(b, 'k', ['x'], async (keys) => keys.map(() => 'new'))).toEqual(['new']);
    expect(await a.getMany('k', ['x'])).toEqual(['new']);
  });

  it('a read that starts after another process invalidated a key does not join a load begun before it', async () => {
    let finish: ((values: string[]) => void) | undefined;
    const early = cachedBatch(a, 'k', ['j'], () => new Promise<string[]>((resolve) => (finish = resolve)));
    while (!finish) await new Promise((r) => setTimeout(r, 5)); // A's load has begun (after its lookup)
    await b.delete('k', ['j']); // B's write answers
    let loadedAgain = false;
    const later = await cachedBatch(a, 'k', ['j'], async (keys) => {
      loadedAgain = true;
      return keys.map(() => 'new');
    });
    expect(loadedAgain).toBe(true);
    expect(later).toEqual(['new']);
    finish(['old']);
    expect(await early).toEqual(['old']); // it began before the write: its own answer
    // Its store carries the stamp from before the write: never served (at most it displaces the newer entry).
    expect(await b.getMany('k', ['j'])).not.toEqual(['old']);
    expect(await a.getMany('k', ['j'])).not.toEqual(['old']);
  });

  it('serves what one process created to the other, until a later invalidation by either', async () => {
    await a.storeCreated('k', [{ key: 'n1', value: 'created' }, { key: 'n2', value: 'created' }], a.invalidationSeq('k'));
    expect(await b.getMany('k', ['n1', 'n2'])).toEqual(['created', 'created']);
    // B updates n1 after A's insert committed, and A's store lands after that (a late store of a created row).
    await b.delete('k', ['n1']);
    await a.storeCreated('k', [{ key: 'n1', value: 'created' }], a.invalidationSeq('k'));
    expect(await a.getMany('k', ['n1'])).toEqual([undefined]);
    expect(await b.getMany('k', ['n1'])).toEqual([undefined]);
  });

  it('moves list-shaped kinds to a generation every process sees', async () => {
    let n = 0;
    const load = async (keys: readonly string[]) => keys.map(() => ++n);
    expect(await cachedBatch(a, 'list', ['all'], load, { generational: true })).toEqual([1]);
    expect(await cachedBatch(b, 'list', ['all'], load, { generational: true })).toEqual([1]);
    await a.bumpGeneration('list');
    expect(await cachedBatch(b, 'list', ['all'], load, { generational: true })).toEqual([2]);
    expect(await cachedBatch(a, 'list', ['all'], load, { generational: true })).toEqual([2]);
  });
});

describe.skipIf(!!redisSkipReason)('two server processes on one PostgreSQL and one Redis namespace', () => {
  const namespace = uniqueNamespace();
  let drop: () => Promise<void>;
  let a: RunningApp;
  let b: RunningApp;
  beforeAll(async () => {
    const db = await createTestDatabase();
    drop = db.drop;
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: db.url,
      REDIS_URL,
      CACHE_NAMESPACE: namespace,
      SEED_TEMPLATES: 'true',
    });
    a = await startApp(config, logger);
    b = await startApp(config, logger);
    await Promise.all([a.warming, b.warming]);
    await untilConnected(a.deps.cache);
    await untilConnected(b.deps.cache);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await drop?.();
    await dropNamespace(REDIS_URL, namespace);
  });

  it('an update through the first is read through the second right away', async () => {
    const read = `query($n: String!) {
  templateByName(name: $n) { id description version content }
  categories { category count }
  data: templates(first: 100, filter: { category: "data" }) { edges { node { id } } }
  quality: templates(first: 100, filter: { category: "quality" }) { edges { node { id } } }
}`;
    const listed = (r: any, alias: 'data' | 'quality') => r.data[alias].edges.map((e: any) => e.node.id);
    const name = `two-${namespace}`;
    const created = await post(
      a.url,
      `mutation($n: String!) { createTemplate(input: { name: $n, category: "data", content: "Hello {{ who }}", variables: [{ name: "who" }] }) { id } }`,
      { n: name },
    );
    expect(created.errors).toBeUndefined();
    const id = created.data.createTemplate.id as string;
    const before = await post(b.url, read, { n: name });
    expect(before.errors).toBeUndefined();
    expect(listed(before, 'data')).toContain(id);
    expect(listed(before, 'quality')).not.toContain(id);
    // The second server now serves this template, the categories and the pages from Redis, without SQL.
    const statements: string[] = [];
    const off = b.deps.dbHandle.onQuery((e) => statements.push(e.sql));
    expect(await post(b.url, read, { n: name })).toEqual(before);
    off();
    expect(statements).toEqual([]);

    const upd = await post(
      a.url,
      `mutation($id: ID!) { updateTemplate(id: $id, input: { description: "changed on A", content: "Bye {{ who }}", category: "quality" }) { version } }`,
      { id },
    );
    expect(upd.errors).toBeUndefined();
    const after = await post(b.url, read, { n: name });
    expect(after.data.templateByName).toEqual({ id, description: 'changed on A', version: 2, content: 'Bye {{ who }}' });
    const count = (r: any, c: string) => r.data.categories.find((x: any) => x.category === c)?.count ?? 0;
    expect(count(after, 'quality')).toBe(count(before, 'quality') + 1);
    // Both categories' pages, cached by the second server, moved with the write made through the first.
    expect(listed(after, 'data')).not.toContain(id);
    expect(listed(after, 'quality')).toContain(id);

    const byId = await post(b.url, `query($id: ID!) { template(id: $id) { description versions { version } } }`, { id });
    expect(byId.data.template).toEqual({ description: 'changed on A', versions: [{ version: 2 }, { version: 1 }] });
  });
});

describe.skipIf(!!redisSkipReason)('seeding with a shared Redis', () => {
  it('moves the pages that instances already serving the database have cached', async () => {
    const namespace = uniqueNamespace();
    const db = await createTestDatabase();
    const env = { NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATABASE_URL: db.url, REDIS_URL, CACHE_NAMESPACE: namespace, CACHE_WARM_COUNT: '0' };
    const first = await startApp(loadConfig({ ...env, SEED_TEMPLATES: 'false' }), logger);
    let second: RunningApp | undefined;
    try {
      await untilConnected(first.deps.cache);
      const page = `{ techniques: templates(first: 50, filter: { category: "techniques" }) { edges { node { name } } } }`;
      const names = (r: any) => r.data.techniques.edges.map((e: any) => e.node.name);
      expect(names(await post(first.url, page))).toEqual([]);
      expect(names(await post(first.url, page))).toEqual([]); // now from Redis
      second = await startApp(loadConfig({ ...env, SEED_TEMPLATES: 'true' }), logger);
      expect(names(await post(first.url, page))).toContain('chain-of-thought');
    } finally {
      await second?.close();
      await first.close();
      await db.drop();
      await dropNamespace(REDIS_URL, namespace);
    }
  });
});
