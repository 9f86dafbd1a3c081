import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { BulkSeedConflictError, seedBulk, type BulkSeedOptions } from '../load/seed/bulk-seed.ts';
import { createDb } from '../src/db/create-db.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { createTestDatabase } from './helpers/db.ts';

const SIZES: BulkSeedOptions = {
  templates: 50,
  usage: 2000,
  memory: 500,
  contents: 120,
  categories: ['development', 'data', 'quality'],
  // Small chunks so the chunked INSERTs are exercised too.
  chunkSize: 700,
};

let database: { url: string; drop(): Promise<void> };
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase();
  const handle = createDb({ url: database.url, poolMax: 2, statementTimeoutMs: 30_000, connectTimeoutMs: 5_000 });
  await migrateToLatest(handle.db);
  await handle.close();
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

const rows = async <T = Record<string, unknown>>(text: string) => (await client.query(text)).rows as T[];

/** A digest of every bulk table's content (serial ids left out, so a reset and re-seed can be compared). */
async function fingerprint(): Promise<Record<string, string>> {
  const tables: Record<string, string> = {
    prompt_templates: 'SELECT t::text AS r FROM prompt_templates t',
    prompt_template_versions: 'SELECT t::text AS r FROM prompt_template_versions t',
    template_usage_events:
      'SELECT concat_ws(\'|\', template_id, ai_model, success, response_time_ms, created_at) AS r FROM template_usage_events',
    template_usage_totals: 'SELECT t::text AS r FROM template_usage_totals t',
    template_usage_model_totals: 'SELECT t::text AS r FROM template_usage_model_totals t',
    template_usage_daily: 'SELECT t::text AS r FROM template_usage_daily t',
    generated_contents: 'SELECT t::text AS r FROM generated_contents t',
    conversation_memories:
      "SELECT concat_ws('|', session_id, conversation_id, role, content, metadata, created_at, expires_at) AS r FROM conversation_memories",
  };
  const out: Record<string, string> = {};
  for (const [name, select] of Object.entries(tables)) {
    const [row] = await rows<{ digest: string; n: number }>(
      `SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) AS digest, count(*)::int AS n FROM (${select}) s`,
    );
    out[name] = `${row!.n}:${row!.digest}`;
  }
  return out;
}

type Rollup = { key: string; count: number; success: number; rtSum: number; rtCount: number; last: string };

/** The rollups recomputed in JavaScript from the events, keyed like the tables. */
function aggregate(events: { template_id: string; ai_model: string | null; success: boolean; rt: number | null; at: Date }[], keyOf: (e: (typeof events)[number]) => string) {
  const m = new Map<string, Rollup>();
  for (const e of events) {
    const key = keyOf(e);
    const r = m.get(key) ?? { key, count: 0, success: 0, rtSum: 0, rtCount: 0, last: '' };
    r.count++;
    if (e.success) r.success++;
    if (e.rt !== null) {
      r.rtSum += e.rt;
      r.rtCount++;
    }
    const at = e.at.toISOString();
    if (at > r.last) r.last = at;
    m.set(key, r);
  }
  return [...m.values()].sort((a, b) => a.key.localeCompare(b.key));
}

async function rollupTable(table: string, keyExpr: string): Promise<Rollup[]> {
  const rs = await rows<{ key: string; count: number; success: number; rt_sum: number; rt_count: number; last: Date }>(
    `SELECT ${keyExpr} AS key, count::int, success_count::int AS success, response_time_sum::int AS rt_sum,
            response_time_count::int AS rt_count, last_used_at AS last FROM ${table}`,
  );
  return rs
    .map((r) => ({ key: r.key, count: r.count, success: r.success, rtSum: r.rt_sum, rtCount: r.rt_count, last: r.last.toISOString() }))
    .sort((a, b) => a.key.localeCompare(b.key));
}

describe('bulk seed', () => {
  let first: Record<string, string>;

  test('writes the requested rows, with every template valid and its versions complete', async () => {
    const result = await seedBulk(database.url, SIZES);
    expect(result.status).toBe('seeded');
    expect(result.counts).toMatchObject({ templates: 50, usage: 2000, contents: 120, memory: 500 });
    const [v] = await rows<{ bad: number; versions: number; sum: number }>(`
      SELECT count(*) FILTER (WHERE n <> t.version OR cur.content IS DISTINCT FROM t.content)::int AS bad,
             sum(n)::int AS versions, sum(t.version)::int AS sum
      FROM prompt_templates t
      JOIN LATERAL (SELECT count(*) AS n FROM prompt_template_versions v WHERE v.template_id = t.id) c ON true
      LEFT JOIN prompt_template_versions cur ON cur.template_id = t.id AND cur.version = t.version`);
    expect(v!.bad).toBe(0);
    expect(result.counts.versions).toBe(v!.sum);
    const cats = await rows<{ category: string }>('SELECT DISTINCT category FROM prompt_templates');
    for (const c of cats) expect(SIZES.categories).toContain(c.category);
    // Every template's content uses exactly its declared variables.
    const [t] = await rows<{ content: string; variables: { name: string }[] }>('SELECT content, variables FROM prompt_templates LIMIT 1');
    expect(t!.variables.map((x) => x.name)).toEqual(['topic', 'audience']);
    expect(t!.content).toContain('{{ topic }}');
    expect(t!.content).toContain('{{ audience }}');
    // Conversations of 20 entries, 5 per session, in order.
    const [m] = await rows<{ conversations: number; sessions: number }>(
      'SELECT count(DISTINCT (session_id, conversation_id))::int AS conversations, count(DISTINCT session_id)::int AS sessions FROM conversation_memories',
    );
    expect(m).toEqual({ conversations: 25, sessions: 5 });
    first = await fingerprint();
  });

  test('the rollup tables equal the events aggregated (no model as \'\', days in UTC)', async () => {
    const events = await rows<{ template_id: string; ai_model: string | null; success: boolean; rt: number | null; at: Date }>(
      'SELECT template_id, ai_model, success, response_time_ms AS rt, created_at AS at FROM template_usage_events',
    );
    expect(events).toHaveLength(2000);
    expect(events.some((e) => e.ai_model === null)).toBe(true);
    expect(events.some((e) => e.rt === null)).toBe(true);
    expect(events.some((e) => !e.success)).toBe(true);
    expect(await rollupTable('template_usage_totals', 'template_id::text')).toEqual(aggregate(events, (e) => e.template_id));
    expect(await rollupTable('template_usage_model_totals', "template_id || '/' || ai_model")).toEqual(
      aggregate(events, (e) => `${e.template_id}/${e.ai_model ?? ''}`),
    );
    expect(await rollupTable('template_usage_daily', "template_id || '/' || day::text || '/' || ai_model")).toEqual(
      aggregate(events, (e) => `${e.template_id}/${e.at.toISOString().slice(0, 10)}/${e.ai_model ?? ''}`),
    );
  });

  test('a second run skips; other sizes are refused; a reset with the same seed writes the same data again', async () => {
    const again = await seedBulk(database.url, SIZES);
    expect(again.status).toBe('skipped');
    expect(await fingerprint()).toEqual(first);

    await expect(seedBulk(database.url, { ...SIZES, templates: 51 })).rejects.toBeInstanceOf(BulkSeedConflictError);
    expect(await fingerprint()).toEqual(first);

    const redone = await seedBulk(database.url, { ...SIZES, reset: true });
    expect(redone.status).toBe('seeded');
    expect(await fingerprint()).toEqual(first);
  });

  test('another seed writes other data of the same shape', async () => {
    const other = await seedBulk(database.url, { ...SIZES, seed: 7, reset: true });
    expect(other.counts).toMatchObject({ templates: 50, usage: 2000, contents: 120, memory: 500 });
    const fp = await fingerprint();
    expect(fp.template_usage_events).not.toEqual(first.template_usage_events);
    expect(fp.prompt_templates).not.toEqual(first.prompt_templates);
    const [n] = await rows<{ n: number }>('SELECT count(*)::int AS n FROM service_seeds');
    expect(n!.n).toBe(1);
  });
});
