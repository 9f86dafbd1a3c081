import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { freePort, redisServerSkipReason, startRedisServer, uniqueNamespace, type RedisServer } from './helpers/redis.ts';

if (redisServerSkipReason) console.warn(`Skipping the fail-open cache tests: ${redisServerSkipReason}`);

/** Calls of one Redis command since the server started, from INFO commandstats. */
async function commandCalls(redis: RedisServer, command: string): Promise<number> {
  const info = String(await redis.command('INFO', 'commandstats'));
  const m = new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info);
  return m ? Number(m[1]) : 0;
}

describe.skipIf(!!redisServerSkipReason)('fail open against a redis-server that dies mid-stream', () => {
  let redis: RedisServer;
  let app: TestApp;
  const ids: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    app = await createTestApp({
      env: {
        REDIS_URL: redis.url,
        CACHE_NAMESPACE: uniqueNamespace(),
        // Generous: on a busy machine a live Redis must not look dead (a killed one refuses at once anyway).
        CACHE_TIMEOUT_MS: '1000',
        CACHE_RETRY_INTERVAL_MS: '100',
      },
    });
    for (let i = 0; i < 5; i++) {
      const res = await app.gql(
        `mutation($n: String!) { createTemplate(input: { name: $n, category: "data", content: "T{{ n }}", variables: [{ name: "n" }] }) { id } }`,
        { n: `fo-${i}-${Math.random().toString(36).slice(2, 8)}` },
      );
      ids.push(res.data.createTemplate.id);
    }
    // The client connects in the background; wait until the cache answers.
    for (let i = 0; i < 200 && (await app.deps.cache.generation('probe')) === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
  });
  afterAll(async () => {
    await app?.close();
    await redis?.kill();
  });

  const QUERY = (list: string[]) =>
    `{ ${list.map((id, i) => `t${i}: template(id: "${id}") { id version content versions { version } }`).join(' ')} }`;

  it('reads a batch of templates with one MGET, not one GET per key', async () => {
    await app.gql(QUERY(ids)); // fills the cache
    const [mget, get] = [await commandCalls(redis, 'mget'), await commandCalls(redis, 'get')];
    const res = await app.countStatements(() => app.gql(QUERY(ids)));
    expect(res.result.errors).toBeUndefined();
    // No template read reaches PostgreSQL (background work, such as the memory sweeper, may run meanwhile).
    expect(res.statements.filter((s) => /prompt_template/.test(s.sql))).toEqual([]);
    // One MGET for the template batch and one for the versions batch.
    expect((await commandCalls(redis, 'mget')) - mget).toBe(2);
    expect((await commandCalls(redis, 'get')) - get).toBe(0);
  });

  it('serves every request while Redis is killed mid-stream, and hits again once it is back', async () => {
    const expected = (await app.gql(QUERY(ids))).data;
    const failures: unknown[] = [];
    let served = 0;
    const request = async () => {
      const res = await app.gql(QUERY(ids));
      if (res.errors || JSON.stringify(res.data) !== JSON.stringify(expected)) failures.push(res.errors ?? res.data);
      served += 1;
    };
    // A stream of requests, four at a time; Redis dies a third of the way through.
    const stream = async (n: number, midway?: () => Promise<void>) => {
      for (let i = 0; i < n; i += 4) {
        if (midway && i === Math.floor(n / 3 / 4) * 4) await Promise.all([midway(), request(), request(), request(), request()]);
        else await Promise.all([request(), request(), request(), request()]);
      }
    };
    const errorsBefore = app.deps.cache.stats().errors;
    await stream(120, () => redis.kill());
    expect(failures).toEqual([]);
    expect(served).toBe(120);
    const down = app.deps.cache.stats();
    expect(down.errors).toBeGreaterThan(errorsBefore);

    // Writes while Redis is down still invalidate once it is back (the lost deletes are replayed first).
    await app.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { content: "U{{ n }}" }) { version } }`, { id: ids[0] });

    await redis.start();
    const hitsBefore = app.deps.cache.stats().hits;
    let hits = hitsBefore;
    for (let i = 0; i < 400 && hits <= hitsBefore + ids.length; i++) {
      const res = await app.gql(QUERY(ids));
      expect(res.errors).toBeUndefined();
      expect(res.data.t0).toMatchObject({ version: 2, content: 'U{{ n }}' });
      hits = app.deps.cache.stats().hits;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(hits).toBeGreaterThan(hitsBefore + ids.length);
    expect(app.deps.cache.stats().degraded).toBe(false);
    await app.assertCacheMatchesDatabase();
  });
});

describe('Redis unreachable from the start', () => {
  it('serves every request from PostgreSQL, counts the failures and closes cleanly', async () => {
    const app = await createTestApp({
      env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, CACHE_NAMESPACE: uniqueNamespace(), CACHE_RETRY_INTERVAL_MS: '100' },
    });
    try {
      const created = await app.gql(`mutation { createTemplate(input: { name: "${uniqueNamespace('u')}", category: "data", content: "x" }) { id } }`);
      expect(created.errors).toBeUndefined();
      for (let i = 0; i < 5; i++) {
        const res = await app.gql(`query($id: ID!) { template(id: $id) { id } categories { count } }`, { id: created.data.createTemplate.id });
        expect(res.errors).toBeUndefined();
        expect(res.data.template.id).toBe(created.data.createTemplate.id);
      }
      const stats = app.deps.cache.stats();
      expect(stats).toMatchObject({ store: 'redis', hits: 0, degraded: true });
      expect(stats.errors).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
