import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertUsageEvents } from '../src/domains/usage/usage.repository.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { makeTemplates } from './helpers/fixtures.ts';

let app: TestApp;
let templates: { id: string; name: string }[];

beforeAll(async () => {
  app = await createTestApp();
  templates = await makeTemplates(app, 100, 'batch');
  await insertUsageEvents(
    app.deps.db,
    templates.flatMap((t, i) =>
      Array.from({ length: (i % 4) + 1 }, (_, j) => ({ templateId: t.id, aiModel: j % 2 ? 'a' : 'b', success: true, responseTimeMs: 5 })),
    ),
  );
  for (const [i, t] of templates.entries()) {
    for (let j = 0; j < (i % 5); j++) {
      const res = await app.gql(
        `mutation($in: GeneratedContentInput!) { recordGeneratedContent(input: $in) { id } }`,
        { in: { templateId: t.id, aiModel: 'a', content: `out ${i}.${j}`, inputVariables: { task: 'x' }, tokensUsed: 3 } },
      );
      expect(res.errors).toBeUndefined();
    }
  }
});
afterAll(async () => {
  await app?.close();
});

const QUERY = `query($n: Int!) {
  templates(first: $n) { edges { node {
    usageCount
    usage { byModel { aiModel } }
    generatedContents(first: 3) { edges { node { id template { name } } } }
  } } }
}`;

describe('batching', () => {
  it('loads related data in the same small number of statements for 10 and 100 templates', async () => {
    // First reads, whatever the cache holds (the setup's mutations cached some templates): at most the page's
    // ids, its rows, the usage rollup and the content pages, however many templates.
    for (const n of [10, 100]) {
      const first = await app.countStatements(() => app.gql(QUERY, { n }));
      expect(first.result.errors).toBeUndefined();
      expect(first.result.data.templates.edges).toHaveLength(n);
      expect(first.statements.length).toBeLessThanOrEqual(4);
    }
    // With the pages, rows and usage cached, the same statements for 10 as for 100: the content pages.
    const small = await app.countStatements(() => app.gql(QUERY, { n: 10 }));
    const large = await app.countStatements(() => app.gql(QUERY, { n: 100 }));
    expect(large.result.data.templates.edges).toHaveLength(100);
    expect(large.statements.length).toBe(small.statements.length);
    expect(large.statements.length).toBe(1);
  });

  it('answers per-parent pages correctly from the one statement', async () => {
    const res = await app.gql(QUERY, { n: 100 });
    const byName = new Map(templates.map((t, i) => [t.name, i]));
    for (const edge of res.data.templates.edges) {
      const names = edge.node.generatedContents.edges.map((e: any) => e.node.template.name);
      const i = byName.get(names[0] ?? '') ;
      if (names.length === 0) continue;
      expect(new Set(names).size).toBe(1);
      expect(names.length).toBe(Math.min(3, i! % 5));
    }
    const counts = res.data.templates.edges.map((e: any) => e.node.usageCount);
    expect(counts.reduce((a: number, b: number) => a + b, 0)).toBe(templates.reduce((s, _, i) => s + (i % 4) + 1, 0));
  });

  it('walks one template\'s generated content page by page, newest first', async () => {
    const t = templates[4]!;
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await app.gql(
        `query($id: ID!, $after: String) { template(id: $id) { generatedContents(first: 1, after: $after) {
          edges { node { content createdAt } } pageInfo { hasNextPage endCursor } } } }`,
        { id: t.id, after },
      );
      const conn = res.data.template.generatedContents;
      seen.push(...conn.edges.map((e: any) => e.node.content));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual(['out 4.3', 'out 4.2', 'out 4.1', 'out 4.0']);
  });

  it('renderTemplates loads every template in one statement and records usage in one insert', async () => {
    const requests = templates.slice(0, 50).map((t, i) => ({ id: t.id, variables: i === 7 ? {} : { task: `t${i}` } }));
    requests.push({ id: '00000000-0000-0000-0000-000000000000', variables: {} });
    const before = await app.deps.db.selectFrom('template_usage_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    const { result, statements } = await app.countStatements(() =>
      app.gql(`mutation($r: [RenderRequest!]!) { renderTemplates(requests: $r) { index result { rendered } error { code message } } }`, { r: requests }),
    );
    expect(result.errors).toBeUndefined();
    expect(statements).toHaveLength(2);
    const items = result.data.renderTemplates;
    expect(items[0].result.rendered).toBe('Do t0');
    expect(items[7].error.code).toBe('BAD_USER_INPUT');
    expect(items[50].error.code).toBe('NOT_FOUND');
    const after = await app.deps.db.selectFrom('template_usage_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n) - Number(before.n)).toBe(50);
  });
});
