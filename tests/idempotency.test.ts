import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/domains/auth/api-keys.service.ts';
import { deleteIdempotencyRecordsBefore } from '../src/domains/idempotency/idempotency.repository.ts';
import { withIdempotency } from '../src/domains/idempotency/idempotency.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const CREATE = `mutation($input: CreateTemplateInput!, $key: String) { createTemplate(input: $input, idempotencyKey: $key) { id name version } }`;
let n = 0;
const input = () => ({ name: `idem-${++n}`, category: 'data', content: 'Hello {{ who }}', variables: [{ name: 'who' }] });
const countNamed = async (name: string) =>
  (await app.deps.db.selectFrom('prompt_templates').select('id').where('name', '=', name).execute()).length;

describe('createTemplate with an idempotencyKey', () => {
  it('returns the first result on a retry and writes nothing twice', async () => {
    const i = input();
    const first = await app.gql(CREATE, { input: i, key: 'k-retry' });
    expect(first.errors).toBeUndefined();
    const { result: second, statements } = await app.countStatements(() => app.gql(CREATE, { input: i, key: 'k-retry' }));
    expect(second.data.createTemplate).toEqual(first.data.createTemplate);
    expect(statements.filter((s) => /insert into "prompt_templates"/i.test(s.sql))).toHaveLength(0);
    expect(await countNamed(i.name)).toBe(1);
    expect(await app.deps.db.selectFrom('prompt_template_versions').select('version').where('template_id', '=', first.data.createTemplate.id).execute()).toHaveLength(1);
  });

  it('runs exactly one of many identical requests arriving at once; all get the same result', async () => {
    const i = input();
    const results = await Promise.all(Array.from({ length: 8 }, () => app.gql(CREATE, { input: i, key: 'k-race' })));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.createTemplate.id)).size).toBe(1);
    expect(await countNamed(i.name)).toBe(1);
    const stored = await app.deps.db.selectFrom('idempotency_keys').selectAll().where('key', '=', 'k-race').execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.result).toEqual({ id: results[0]?.data.createTemplate.id });
  });

  it('refuses the same key with different input (CONFLICT) and creates nothing', async () => {
    const i = input();
    await app.gql(CREATE, { input: i, key: 'k-reuse' });
    const other = input();
    const res = await app.gql(CREATE, { input: other, key: 'k-reuse' });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await countNamed(other.name)).toBe(0);
  });

  it('stores nothing when the operation fails, so a retry runs again', async () => {
    const i = input();
    const taken = await app.gql(CREATE, { input: i }); // takes the name
    const failed = await app.gql(CREATE, { input: i, key: 'k-fail' });
    expect(failed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(await app.deps.db.selectFrom('idempotency_keys').select('key').where('key', '=', 'k-fail').execute()).toHaveLength(0);
    const renamed = { ...i }; // same input, the name now freed
    await app.deps.db.updateTable('prompt_templates').set({ name: `${i.name}-old` }).where('name', '=', i.name).execute();
    await app.deps.cache.delete('template', [taken.data.createTemplate.id]); // a write past the service must say so
    const retried = await app.gql(CREATE, { input: renamed, key: 'k-fail' });
    expect(retried.errors).toBeUndefined();
  });

  it('keeps keys apart per API key', async () => {
    const server = await createTestApp({ env: { AUTH_MODE: 'required', RATE_LIMIT_MAX: '0' } });
    try {
      const a = (await createApiKey(server.deps.db, { name: 'a', scopes: ['write'] })).key;
      const b = (await createApiKey(server.deps.db, { name: 'b', scopes: ['write'] })).key;
      const ra = await server.gql(CREATE, { input: input(), key: 'same' }, { authorization: `Bearer ${a}` });
      const rb = await server.gql(CREATE, { input: input(), key: 'same' }, { authorization: `Bearer ${b}` });
      expect(ra.errors).toBeUndefined();
      expect(rb.errors).toBeUndefined();
      expect(ra.data.createTemplate.id).not.toBe(rb.data.createTemplate.id);
    } finally {
      await server.close();
    }
  });
});

describe('withIdempotency', () => {
  it('executes the work once while others wait on the claim, and gives them its result', async () => {
    let runs = 0;
    let effects = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inside = new Promise<void>((r) => (entered = r));
    const work = () =>
      withIdempotency(app.deps.db, { scope: 'test', key: 'generic', input: { a: 1, b: [2] } }, async (trx, afterCommit) => {
        runs += 1;
        entered();
        await gate; // hold the claim, uncommitted, until the others are waiting on it
        await trx.selectNoFrom((eb) => eb.val(1).as('x')).execute();
        afterCommit(() => (effects += 1));
        return { value: 42, at: 'first' };
      });
    const first = work();
    await inside;
    const others = Array.from({ length: 5 }, work);
    // Wait until all five are blocked in PostgreSQL on the first one's uncommitted claim.
    for (let i = 0; i < 500; i++) {
      const { rows } = await app.deps.dbHandle.pool.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
      );
      if (rows[0].n === 5) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const { rows } = await app.deps.dbHandle.pool.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    );
    expect(rows[0].n).toBe(5);
    release();
    const results = await Promise.all([first, ...others]);
    expect(runs).toBe(1);
    expect(effects).toBe(1);
    expect(results).toEqual(Array.from({ length: 6 }, () => ({ value: 42, at: 'first' })));
    // Input key order does not matter.
    const again = await withIdempotency(app.deps.db, { scope: 'test', key: 'generic', input: { b: [2], a: 1 } }, async () => {
      throw new Error('must not run');
    });
    expect(again).toEqual({ value: 42, at: 'first' });
  });

  it('purges stored results older than their TTL', async () => {
    await app.deps.db
      .insertInto('idempotency_keys')
      .values([
        { scope: 'purge', key: 'old', fingerprint: null, result: '1', created_at: new Date(Date.now() - 2 * 3_600_000) },
        { scope: 'purge', key: 'new', fingerprint: null, result: '2' },
      ])
      .execute();
    expect(await deleteIdempotencyRecordsBefore(app.deps.db, new Date(Date.now() - 3_600_000))).toBe(1);
    const left = await app.deps.db.selectFrom('idempotency_keys').select('key').where('scope', '=', 'purge').execute();
    expect(left.map((r) => r.key)).toEqual(['new']);
  });

  it('refuses an over-long key', async () => {
    await expect(withIdempotency(app.deps.db, { scope: 's', key: 'k'.repeat(201) }, async () => 1)).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});

describe('recordUsage, appendMemory and appendMemories with an idempotencyKey', () => {
  it('record once however often, and however concurrently, the same key is sent', async () => {
    const t = (await app.gql(CREATE, { input: input() })).data.createTemplate;
    const RECORD = `mutation($id: ID!, $key: String) { recordUsage(templateId: $id, aiModel: "m", success: true, responseTimeMs: 7, idempotencyKey: $key) { id } }`;
    const results = await Promise.all(Array.from({ length: 6 }, () => app.gql(RECORD, { id: t.id, key: 'usage-1' })));
    expect(results.every((r) => !r.errors)).toBe(true);
    expect(new Set(results.map((r) => r.data.recordUsage.id)).size).toBe(1);
    const events = await app.deps.db.selectFrom('template_usage_events').select('id').where('template_id', '=', t.id).execute();
    expect(events).toHaveLength(1);
    const totals = await app.deps.db.selectFrom('template_usage_totals').select('count').where('template_id', '=', t.id).executeTakeFirstOrThrow();
    expect(totals.count).toBe(1);
    // A different key records again.
    await app.gql(RECORD, { id: t.id, key: 'usage-2' });
    const usage = await app.gql(`query($id: ID!) { template(id: $id) { usageCount } }`, { id: t.id });
    expect(usage.data.template.usageCount).toBe(2);

    const session = `idem-${Math.random().toString(36).slice(2)}`;
    const ONE = `mutation($in: MemoryInput!, $key: String) { appendMemory(input: $in, idempotencyKey: $key) { id } }`;
    const MANY = `mutation($in: [MemoryInput!]!, $key: String) { appendMemories(inputs: $in, idempotencyKey: $key) { id } }`;
    const entry = { sessionId: session, conversationId: 'c', role: 'USER', content: 'hi' };
    const ones = await Promise.all(Array.from({ length: 4 }, () => app.gql(ONE, { in: entry, key: 'mem-1' })));
    expect(new Set(ones.map((r) => r.data.appendMemory.id)).size).toBe(1);
    const manyA = await app.gql(MANY, { in: [entry, entry, entry], key: 'mem-batch' });
    const manyB = await app.gql(MANY, { in: [entry, entry, entry], key: 'mem-batch' });
    expect(manyB.data.appendMemories).toEqual(manyA.data.appendMemories);
    const rows = await app.deps.db.selectFrom('conversation_memories').select('id').where('session_id', '=', session).execute();
    expect(rows).toHaveLength(4);
    const clash = await app.gql(MANY, { in: [entry], key: 'mem-batch' });
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
  });
});
