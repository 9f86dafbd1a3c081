import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromCachedModelUsage, toCachedModelUsage, type CachedModelUsage } from '../src/domains/usage/usage.loaders.ts';
import { recordUsageEvents } from '../src/domains/usage/usage.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { makeTemplates } from './helpers/fixtures.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const RECORD = `mutation($id: ID!, $m: String, $ok: Boolean!, $rt: Int) {
  recordUsage(templateId: $id, aiModel: $m, success: $ok, responseTimeMs: $rt) { id templateId aiModel success responseTimeMs createdAt }
}`;
const USAGE = `query($id: ID!, $since: DateTime) { template(id: $id) {
  usageCount
  usage(since: $since) { count successCount successRate avgResponseTimeMs lastUsedAt byModel { aiModel count successRate avgResponseTimeMs } }
} }`;

describe('usage', () => {
  it('events recorded at the same moment share one statement; one the database refuses fails alone', async () => {
    const [t] = await makeTemplates(app, 1);
    const record = (templateId: string) =>
      recordUsageEvents(app.deps.db, app.deps.cache, [{ templateId, aiModel: 'gpt', success: true, responseTimeMs: 10 }]);
    const { result, statements } = await app.countStatements(() => Promise.all([1, 2, 3, 4, 5].map(() => record(t!.id))));
    expect(statements.map((e) => e.repositoryFunction)).toEqual(['insertUsageEvents']);
    expect(result.map((rows) => rows.map((r) => r.template_id))).toEqual(Array(5).fill([t!.id]));
    expect(new Set(result.map((rows) => rows[0]!.id)).size).toBe(5);
    const totals = () =>
      app.deps.db.selectFrom('template_usage_totals').select('count').where('template_id', '=', t!.id).executeTakeFirstOrThrow();
    expect(await totals()).toEqual({ count: 5 });

    // No such template: the foreign key refuses that event, and only its own call fails.
    const settled = await Promise.allSettled([record(t!.id), record('00000000-0000-4000-8000-000000000000'), record(t!.id)]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    expect(await totals()).toEqual({ count: 7 });
    const events = await app.deps.db.selectFrom('template_usage_events').select('template_id').where('template_id', '=', t!.id).execute();
    expect(events).toHaveLength(7);
  });

  it('records events and reads back counts, rates and per-model figures', async () => {
    const [t] = await makeTemplates(app, 1);
    const events = [
      { m: 'gpt', ok: true, rt: 100 },
      { m: 'gpt', ok: false, rt: 300 },
      { m: 'claude', ok: true, rt: 50 },
      { m: null, ok: true, rt: null },
    ];
    for (const e of events) {
      const res = await app.gql(RECORD, { id: t!.id, ...e });
      expect(res.errors).toBeUndefined();
      expect(res.data.recordUsage).toMatchObject({ templateId: t!.id, aiModel: e.m, success: e.ok, responseTimeMs: e.rt });
    }
    const res = await app.gql(USAGE, { id: t!.id });
    expect(res.errors).toBeUndefined();
    const u = res.data.template.usage;
    expect(res.data.template.usageCount).toBe(4);
    expect(u).toMatchObject({ count: 4, successCount: 3, successRate: 0.75, avgResponseTimeMs: 150 });
    expect(u.byModel).toEqual([
      { aiModel: 'gpt', count: 2, successRate: 0.5, avgResponseTimeMs: 200 },
      { aiModel: 'claude', count: 1, successRate: 1, avgResponseTimeMs: 50 },
      { aiModel: null, count: 1, successRate: 1, avgResponseTimeMs: null },
    ]);
    const stored = await app.deps.db.selectFrom('template_usage_events').selectAll().where('template_id', '=', t!.id).execute();
    expect(stored).toHaveLength(4);
    const totals = await app.deps.db.selectFrom('template_usage_totals').selectAll().where('template_id', '=', t!.id).executeTakeFirst();
    expect(totals).toMatchObject({ count: 4, success_count: 3, response_time_sum: 450, response_time_count: 3 });
    expect(new Date(u.lastUsedAt).getTime()).toBe(Math.max(...stored.map((e) => e.created_at.getTime())));
  });

  it('every renderTemplate records one usage event, failed renders as failures', async () => {
    const [t] = await makeTemplates(app, 1);
    const R = `mutation($id: ID!, $v: JSON, $m: String) { renderTemplate(id: $id, variables: $v, aiModel: $m) { rendered } }`;
    expect((await app.gql(R, { id: t!.id, v: { task: 'x' }, m: 'gpt' })).errors).toBeUndefined();
    expect((await app.gql(R, { id: t!.id, v: {} })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const rows = await app.deps.db
      .selectFrom('template_usage_events').select(['ai_model', 'success']).where('template_id', '=', t!.id).orderBy('id').execute();
    expect(rows).toEqual([{ ai_model: 'gpt', success: true }, { ai_model: null, success: false }]);
  });

  it('computes usage since a moment exactly from the daily rollup and that day\'s events', async () => {
    const [t] = await makeTemplates(app, 1);
    // Events spread over four days: rollups and events are written through the same statement.
    const { insertUsageEvents } = await import('../src/domains/usage/usage.repository.ts');
    await insertUsageEvents(app.deps.db, Array.from({ length: 8 }, (_, i) => ({ templateId: t!.id, aiModel: 'm', success: i % 2 === 0, responseTimeMs: 10 })));
    // Move them back in time, and rebuild the rollups to match, as if they had happened over several days.
    await sql`UPDATE template_usage_events SET created_at = now() - ((id % 4) * interval '1 day') - interval '1 hour' WHERE template_id = ${t!.id}`.execute(app.deps.db);
    await sql`DELETE FROM template_usage_daily WHERE template_id = ${t!.id}`.execute(app.deps.db);
    await sql`INSERT INTO template_usage_daily (template_id, day, ai_model, count, success_count, response_time_sum, response_time_count, last_used_at)
      SELECT template_id, (created_at AT TIME ZONE 'UTC')::date, coalesce(ai_model, ''), count(*), count(*) FILTER (WHERE success), sum(response_time_ms), count(response_time_ms), max(created_at)
      FROM template_usage_events WHERE template_id = ${t!.id} GROUP BY 1, 2, 3`.execute(app.deps.db);
    const events = await app.deps.db.selectFrom('template_usage_events').select(['created_at', 'success']).where('template_id', '=', t!.id).execute();
    for (const since of [...events.map((e) => e.created_at), new Date(Date.now() - 2.5 * 86400e3), new Date(0), new Date(Date.now() + 86400e3)]) {
      const expected = events.filter((e) => e.created_at >= since);
      const res = await app.gql(USAGE, { id: t!.id, since: since.toISOString() });
      expect(res.errors).toBeUndefined();
      expect(res.data.template.usage.count).toBe(expected.length);
      expect(res.data.template.usage.successCount).toBe(expected.filter((e) => e.success).length);
    }
  });

  it('lists popular templates, most used first, active only, with limit capped', async () => {
    const ts = await makeTemplates(app, 3, 'pop');
    const { insertUsageEvents } = await import('../src/domains/usage/usage.repository.ts');
    const counts = [5, 9, 7];
    await insertUsageEvents(app.deps.db, ts.flatMap((t, i) => Array.from({ length: counts[i]! + 100 }, () => ({ templateId: t.id, aiModel: null, success: true, responseTimeMs: null }))));
    const res = await app.gql(`{ popularTemplates(limit: 3) { usageCount template { name } } }`);
    expect(res.data.popularTemplates.map((p: any) => p.template.name)).toEqual([ts[1]!.name, ts[2]!.name, ts[0]!.name]);
    expect(res.data.popularTemplates.map((p: any) => p.usageCount)).toEqual([109, 107, 105]);
    const since = await app.gql(`query($s: DateTime) { popularTemplates(limit: 2, since: $s) { usageCount } }`, { s: new Date(Date.now() - 60_000).toISOString() });
    expect(since.data.popularTemplates.map((p: any) => p.usageCount)).toEqual([109, 107]);
    await app.gql(`mutation($id: ID!) { deleteTemplate(id: $id) { id } }`, { id: ts[1]!.id });
    const after = await app.gql(`{ popularTemplates(limit: 1) { template { name } } }`);
    expect(after.data.popularTemplates[0].template.name).toBe(ts[2]!.name);
    const capped = await app.gql(`{ popularTemplates(limit: 101) { usageCount } }`);
    expect(capped.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('rejects bad usage input and unknown templates with codes, writing nothing', async () => {
    const [t] = await makeTemplates(app, 1);
    const bad = await app.gql(RECORD, { id: t!.id, ok: true, rt: -5 });
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await app.gql(RECORD, { id: '00000000-0000-0000-0000-000000000000', ok: true });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const n = await app.deps.db.selectFrom('template_usage_events').select('id').where('template_id', '=', t!.id).execute();
    expect(n).toHaveLength(0);
  });

  it('keeps rollups equal to the events under concurrent recording', async () => {
    const ts = await makeTemplates(app, 2, 'conc');
    const { result: answers, statements } = await app.countStatements(() =>
      Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          app.gql(RECORD, { id: ts[i % 2]!.id, m: i % 3 ? 'a' : 'b', ok: i % 5 !== 0, rt: i }),
        ),
      ),
    );
    // Requests arriving together share their insert statements (group commit): far fewer than one each.
    expect(statements.filter((e) => e.repositoryFunction === 'insertUsageEvents').length).toBeLessThan(10);
    // Each answer is its own event (shared statements or not): 40 distinct ids, each as it was recorded.
    expect(answers.every((a) => a.errors === undefined)).toBe(true);
    expect(new Set(answers.map((a) => a.data.recordUsage.id)).size).toBe(40);
    expect(answers.map((a) => a.data.recordUsage.responseTimeMs)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(answers.map((a) => a.data.recordUsage.templateId)).toEqual(Array.from({ length: 40 }, (_, i) => ts[i % 2]!.id));
    for (const t of ts) {
      const { rows } = await sql<{ n: number; ok: number; rt: number }>`SELECT count(*)::int n, count(*) FILTER (WHERE success)::int ok, sum(response_time_ms)::int rt FROM template_usage_events WHERE template_id = ${t.id}`.execute(app.deps.db);
      const totals = await app.deps.db.selectFrom('template_usage_totals').selectAll().where('template_id', '=', t.id).executeTakeFirstOrThrow();
      expect([totals.count, totals.success_count, totals.response_time_sum]).toEqual([rows[0]!.n, rows[0]!.ok, rows[0]!.rt]);
      const models = await app.deps.db.selectFrom('template_usage_model_totals').selectAll().where('template_id', '=', t.id).execute();
      expect(models.reduce((s, m) => s + m.count, 0)).toBe(rows[0]!.n);
      const daily = await app.deps.db.selectFrom('template_usage_daily').selectAll().where('template_id', '=', t.id).execute();
      expect(daily.reduce((s, m) => s + m.count, 0)).toBe(rows[0]!.n);
    }
  });
});

describe('cached usage rows', () => {
  it('decodes one cached entry once: the same frozen rows for the same entry, fresh rows for another', () => {
    const t = '00000000-0000-4000-8000-000000000001';
    const cached: CachedModelUsage = [['gpt-4o', 3, 2, 900, 3, 1_700_000_000_000]];
    const rows = fromCachedModelUsage(t, cached);
    expect(rows).toEqual([
      {
        template_id: t,
        ai_model: 'gpt-4o',
        count: 3,
        success_count: 2,
        response_time_sum: 900,
        response_time_count: 3,
        last_used_at: new Date(1_700_000_000_000),
      },
    ]);
    expect(fromCachedModelUsage(t, cached)).toBe(rows);
    expect(Object.isFrozen(rows) && Object.isFrozen(rows[0])).toBe(true);
    // An equal entry that is another object (a Redis hit) is decoded afresh.
    const again = fromCachedModelUsage(t, structuredClone(cached));
    expect(again).toEqual(rows);
    expect(again).not.toBe(rows);
    expect(toCachedModelUsage(rows)).toEqual(cached);
  });
});
