import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import { buildSchema, type GraphQLScalarType } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestContext } from '../src/context.ts';
import { invalidateTemplates } from '../src/domains/templates/templates.cache.ts';
import { createTemplateLoaders, loadTemplatePageKeys } from '../src/domains/templates/templates.loaders.ts';
import { encodeCursor } from '../src/lib/cursor.ts';
import { createTemplate } from '../src/domains/templates/templates.service.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const CREATE = /* GraphQL */ `
  mutation Create($input: CreateTemplateInput!) {
    createTemplate(input: $input) { id name version category content isActive variables { name required defaultValue } }
  }
`;

let seq = 0;
function input(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    name: `tpl-${seq}-${Math.random().toString(36).slice(2, 8)}`,
    description: 'A test template',
    category: 'development',
    content: 'Write {{ language }} code for {{task}}.',
    variables: [{ name: 'language', required: false, defaultValue: 'TypeScript' }, { name: 'task' }],
    ...overrides,
  };
}

describe('per-request loaders', () => {
  it('are made once per request, when first used, and never shared between requests', () => {
    const a = createRequestContext(app.deps).loaders;
    const b = createRequestContext(app.deps).loaders;
    const names = [
      'templateById',
      'templateByName',
      'versionsByTemplateId',
      'categories',
      'usageByTemplateId',
      'usageSinceByTemplateId',
      'generatedContentById',
      'generatedContentPage',
    ] as const;
    for (const name of names) {
      expect(a[name]).toBeInstanceOf(DataLoader);
      // The same loader each time within a request (its per-request cache), another one in another request.
      expect(a[name]).toBe(a[name]);
      expect(a[name]).not.toBe(b[name]);
    }
  });
});

async function create(overrides: Record<string, unknown> = {}) {
  const res = await app.gql(CREATE, { input: input(overrides) });
  expect(res.errors).toBeUndefined();
  return res.data.createTemplate as { id: string; name: string; version: number };
}

async function dbRow(id: string) {
  return app.deps.db.selectFrom('prompt_templates').selectAll().where('id', '=', id).executeTakeFirst();
}

describe('createTemplate', () => {
  it('stores the template and its first version', async () => {
    const { result: t, statements } = await app.countStatements(() => create({ createdBy: 'alice' }));
    // The template and its first version in one atomic statement: no BEGIN/COMMIT round trips.
    expect(statements.map((s) => s.sql.trim().split(/\s+/)[0]!.toLowerCase())).toEqual(['with']);
    expect(t.version).toBe(1);
    const row = await dbRow(t.id);
    expect(row).toMatchObject({ name: t.name, created_by: 'alice', is_active: true, version: 1 });
    expect(row?.variables).toEqual([
      { name: 'language', required: false, defaultValue: 'TypeScript' },
      { name: 'task', required: true },
    ]);
    const versions = await app.deps.db.selectFrom('prompt_template_versions').selectAll().where('template_id', '=', t.id).execute();
    expect(versions.map((v) => v.version)).toEqual([1]);
  });

  it('rejects a name that is not a slug, an unknown category and oversize content with BAD_USER_INPUT', async () => {
    const res = await app.gql(CREATE, {
      input: input({ name: 'Bad Name!', category: 'cooking', content: `{{ task }} {{ language }}${'x'.repeat(100 * 1024)}` }),
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const msg = res.errors?.[0]?.message ?? '';
    expect(msg).toContain('name "Bad Name!"');
    expect(msg).toContain('category "cooking"');
    expect(msg).toContain('more than the limit of 102400');
  });

  it('rejects placeholders and declared variables that disagree, naming the mismatch', async () => {
    const res = await app.gql(CREATE, {
      input: input({ content: 'Hello {{ who }} in {{ where }}', variables: [{ name: 'who' }, { name: 'unused' }] }),
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('placeholders not declared as variables: where');
    expect(res.errors?.[0]?.message).toContain('declared variables not used in content: unused');
  });

  it('gives CONFLICT for a duplicate name and writes nothing', async () => {
    const t = await create();
    const res = await app.gql(CREATE, { input: input({ name: t.name }) });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const rows = await app.deps.db.selectFrom('prompt_templates').select('id').where('name', '=', t.name).execute();
    expect(rows).toHaveLength(1);
  });

  it('gives exactly one success when the same name is created concurrently', async () => {
    const name = `race-${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 8 }, () => app.gql(CREATE, { input: input({ name }) })));
    const ok = results.filter((r) => r.data?.createTemplate);
    const conflicts = results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT');
    expect(ok).toHaveLength(1);
    expect(conflicts).toHaveLength(7);
    const versions = await app.deps.db
      .selectFrom('prompt_template_versions')
      .select('template_id')
      .where('template_id', '=', ok[0]!.data.createTemplate.id)
      .execute();
    expect(versions).toHaveLength(1);
  });

  it('creates made at the same moment share one statement, each answered with its own template and version', async () => {
    // The resolvers' own service dependencies, cache invalidation included.
    const deps = createRequestContext(app.deps).templates;
    // Names in descending order: the statement writes them in name order (two such statements cannot deadlock).
    const tag = Math.random().toString(36).slice(2, 8);
    const inputs = [5, 4, 3, 2, 1].map((n) => input({ name: `together-${tag}-${n}` }));
    const { result, statements } = await app.countStatements(() => Promise.all(inputs.map((i) => createTemplate(deps, i))));
    expect(statements.map((e) => e.repositoryFunction)).toEqual(['insertTemplates']);
    expect(result.map((t) => t.name)).toEqual(inputs.map((i) => i.name));
    const written = await app.deps.db
      .selectFrom('prompt_templates')
      .select('name')
      .where('name', 'in', inputs.map((i) => i.name))
      .orderBy(sql`ctid`)
      .execute();
    expect(written.map((r) => r.name)).toEqual(inputs.map((i) => i.name).reverse());
    const versions = await app.deps.db
      .selectFrom('prompt_template_versions')
      .select(['template_id', 'version'])
      .where('template_id', 'in', result.map((t) => t.id))
      .execute();
    expect(versions.map((v) => v.template_id).sort()).toEqual(result.map((t) => t.id).sort());
    expect(versions.every((v) => v.version === 1)).toBe(true);

    // A taken name among them: CONFLICT for that create alone, the others are written.
    const [a, b] = [input(), input()];
    const settled = await Promise.allSettled([createTemplate(deps, a), createTemplate(deps, input({ name: inputs[0]!.name })), createTemplate(deps, b)]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason.extensions.code).toBe('CONFLICT');
    const names = await app.deps.db.selectFrom('prompt_templates').select('name').where('name', 'in', [a.name, b.name, inputs[0]!.name]).execute();
    expect(names.map((r) => r.name).sort()).toEqual([a.name, b.name, inputs[0]!.name].sort());
    await app.assertCacheMatchesDatabase();
  });
});

describe('reading templates', () => {
  it('template(id) and templateByName return the template, or null when absent', async () => {
    const t = await create();
    const res = await app.gql(
      `query($id: ID!, $name: String!) {
        a: template(id: $id) { name }
        b: templateByName(name: $name) { id }
        c: template(id: "00000000-0000-0000-0000-000000000000") { id }
        d: template(id: "not-a-uuid") { id }
        e: templateByName(name: "no-such-template") { id }
      }`,
      { id: t.id, name: t.name },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { name: t.name }, b: { id: t.id }, c: null, d: null, e: null });
  });

  it('filters by category, createdBy and search (case-insensitive on name and description)', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    await create({ name: `alpha-${tag}`, category: 'data', createdBy: `bob-${tag}` });
    await create({ name: `beta-${tag}`, description: `About ZETA-${tag} things`, category: 'quality' });
    const q = `query($f: TemplateFilter) { templates(filter: $f, first: 100) { totalCount edges { node { name } } } }`;
    const byCat = await app.gql(q, { f: { category: 'data', search: tag } });
    expect(byCat.data.templates.edges.map((e: any) => e.node.name)).toEqual([`alpha-${tag}`]);
    const byAuthor = await app.gql(q, { f: { createdBy: `bob-${tag}` } });
    expect(byAuthor.data.templates.totalCount).toBe(1);
    const bySearch = await app.gql(q, { f: { search: `zeta-${tag.toUpperCase()}` } });
    expect(bySearch.data.templates.edges.map((e: any) => e.node.name)).toEqual([`beta-${tag}`]);
    const wildcard = await app.gql(q, { f: { search: '%' } });
    expect(wildcard.data.templates.totalCount).toBe(0);
  });

  it('caps first at 100 with BAD_USER_INPUT and rejects foreign cursors', async () => {
    const res = await app.gql(`{ templates(first: 101) { totalCount } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('100');
    const bad = await app.gql(`{ templates(first: 1, after: "nonsense") { totalCount } }`);
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const page = await app.gql(`{ templates(first: 1) { pageInfo { endCursor } } }`);
    const cursor = page.data.templates.pageInfo.endCursor;
    const other = await app.gql(`query($c: String) { templates(first: 1, after: $c, orderBy: { field: NAME }) { totalCount } }`, { c: cursor });
    expect(other.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('counts only when totalCount is selected', async () => {
    const without = await app.countStatements(() => app.gql(`{ templates(first: 5) { edges { node { id } } } }`));
    const withCount = await app.countStatements(() => app.gql(`{ templates(first: 5) { totalCount edges { node { id } } } }`));
    expect(without.statements.filter((s) => /count\(\*\)/i.test(s.sql))).toHaveLength(0);
    expect(withCount.statements.filter((s) => /count\(\*\)/i.test(s.sql))).toHaveLength(1);
  });

  it('loads the rows and the versions of a page in one statement each, then from the cache', async () => {
    const made = await Promise.all([create(), create(), create()]);
    // Rows the cache does not hold (a create stores its row; these are dropped again).
    await app.deps.cache.delete('template', made.map((t) => t.id));
    const query = `{ templates(first: 20) { edges { node { name versions { version } } } } }`;
    const cold = await app.countStatements(() => app.gql(query));
    expect(cold.result.errors).toBeUndefined();
    expect(cold.result.data.templates.edges.length).toBeGreaterThanOrEqual(3);
    // The page's ids, their rows, their versions.
    expect(cold.statements.map((s) => s.sql.match(/from "(\w+)"(?!\))/)?.[1])).toEqual([
      'prompt_templates',
      'prompt_templates',
      'prompt_template_versions',
    ]);
    const warm = await app.countStatements(() => app.gql(query));
    expect(warm.result.data).toEqual(cold.result.data);
    expect(warm.statements).toHaveLength(0); // the page's ids, its rows and versions all come from the cache
  });

  it('stores a created template as its by-id entry and puts it in the cached pages: reading either needs no statement', async () => {
    const query = `{ templates(first: 10) { edges { node { id name content version } } } }`;
    await app.gql(query); // the page and its rows are cached
    const t = await create();
    const byId = await app.countStatements(() => app.gql(`query($id: ID!) { template(id: $id) { id name content version createdAt } }`, { id: t.id }));
    expect(byId.statements).toHaveLength(0);
    const row = await dbRow(t.id);
    expect(byId.result.data.template).toEqual({ id: t.id, name: row!.name, content: row!.content, version: row!.version, createdAt: row!.created_at.toISOString() });
    // The cached page took the new template in place: it heads the page, read with no statement at all.
    const page = await app.countStatements(() => app.gql(query));
    expect(page.statements).toHaveLength(0);
    expect(page.result.data.templates.edges[0].node.id).toBe(t.id);
    expect(page.result.data.templates.edges[0].node).toEqual(byId.result.data.template && { id: t.id, name: row!.name, content: row!.content, version: row!.version });
  });

  it('keeps a page cached until a write that could change it, which the next read shows', async () => {
    const query = `query($cat: String) { templates(first: 100, filter: { category: $cat }) { edges { node { id category } } } }`;
    const read = async (cat: string | null) => {
      const { result, statements } = await app.countStatements(() => app.gql(query, { cat }));
      expect(result.errors).toBeUndefined();
      return { ids: result.data.templates.edges.map((e: any) => e.node.id) as string[], statements: statements.length };
    };
    await create({ category: 'quality' });
    for (const cat of ['data', 'quality', null]) {
      await read(cat);
      expect((await read(cat)).statements, `warm page of ${cat}`).toBe(0);
    }
    // A new template in one category: its own and the unfiltered pages show it (a create puts it in the cached
    // pages in place); another category's page is untouched. All three are still read from the cache.
    const t = await create({ category: 'data' });
    const quality = await read('quality');
    expect(quality.statements).toBe(0);
    expect(quality.ids).not.toContain(t.id);
    for (const cat of ['data', null]) {
      const page = await read(cat);
      expect(page.statements).toBe(0);
      expect(page.ids[0]).toBe(t.id);
    }
    // Moved to another category: it leaves the first category's cached page and joins the other's.
    const moved = await app.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { category: "quality" }) { category } }`, { id: t.id });
    expect(moved.errors).toBeUndefined();
    expect((await read('data')).ids).not.toContain(t.id);
    expect((await read('quality')).ids).toContain(t.id);
    // Deleted (made inactive): gone from every active list.
    const deleted = await app.gql(`mutation($id: ID!) { deleteTemplate(id: $id) { isActive } }`, { id: t.id });
    expect(deleted.errors).toBeUndefined();
    for (const cat of ['quality', null]) expect((await read(cat)).ids).not.toContain(t.id);
    // Every cached page read back against the database.
    expect((await app.assertCacheMatchesDatabase()).checked).toBeGreaterThan(0);
  });

  it('shows a write in the next page read although that page came from the cache before', async () => {
    const t = await create({ description: 'before' });
    const query = `query($cat: String) { templates(first: 100, filter: { category: $cat }) { edges { node { id description version } } } }`;
    const find = (res: any) => res.data.templates.edges.map((e: any) => e.node).find((n: any) => n.id === t.id);
    const row = await dbRow(t.id);
    expect(find(await app.gql(query, { cat: row!.category }))).toMatchObject({ description: 'before', version: 1 });
    const updated = await app.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { description: "after", content: "Changed: {{ task }} in {{ language }}" }) { version } }`, { id: t.id });
    expect(updated.errors).toBeUndefined();
    expect(find(await app.gql(query, { cat: row!.category }))).toMatchObject({ description: 'after', version: 2 });
  });
});

describe('cached pages across creates', () => {
  it('every cached page, in every order, filter and position, equals the database after each kind of create', async () => {
    const fresh = await createTestApp();
    try {
      const authors = ['alice', 'bob', null];
      const categories = ['data', 'quality'];
      let n = 0;
      const one = () => {
        n += 1;
        return { name: `pp-${String(n).padStart(3, '0')}`, description: n % 2 ? 'odd one' : null, category: categories[n % 2]!, content: 'x', createdBy: authors[n % 3] };
      };
      const createOne = async () => {
        const res = await fresh.gql(CREATE, { input: one() });
        expect(res.errors).toBeUndefined();
      };
      for (let i = 0; i < 9; i++) await createOne();
      const filters = [{}, { category: 'data' }, { createdBy: 'alice' }, { category: 'quality', createdBy: 'bob' }, { search: 'odd' }, { includeInactive: true }];
      const orders = [{ field: 'CREATED_AT' }, { field: 'CREATED_AT', direction: 'ASC' }, { field: 'UPDATED_AT' }, { field: 'NAME' }];
      const Q = `query($f: TemplateFilter, $o: TemplateOrder, $first: Int, $after: String) {
        templates(filter: $f, orderBy: $o, first: $first, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } }
      }`;
      // Reads every first and second page: each is then cached, and checked against the database after every create.
      const readAll = async () => {
        let statements = 0;
        for (const f of filters) {
          for (const o of orders) {
            for (const first of [1, 3, 20]) {
              const p1 = await fresh.countStatements(() => fresh.gql(Q, { f, o, first }));
              expect(p1.result.errors).toBeUndefined();
              statements += p1.statements.length;
              const { hasNextPage, endCursor } = p1.result.data.templates.pageInfo;
              if (!hasNextPage) continue;
              const p2 = await fresh.countStatements(() => fresh.gql(Q, { f, o, first, after: endCursor }));
              expect(p2.result.errors).toBeUndefined();
              statements += p2.statements.length;
            }
          }
        }
        return statements;
      };
      await readAll();
      expect(await readAll()).toBe(0);
      // One create at a time, several sharing one statement (and so one created_at), and a batch: after each, the
      // helper compares every cached page with the database.
      for (let round = 0; round < 3; round++) {
        await createOne();
        const together = await Promise.all([1, 2, 3].map(() => fresh.gql(CREATE, { input: one() })));
        for (const r of together) expect(r.errors).toBeUndefined();
        const batch = await fresh.gql(`mutation($inputs: [CreateTemplateInput!]!) { createTemplates(inputs: $inputs) { id } }`, { inputs: [one(), one()] });
        expect(batch.errors).toBeUndefined();
        const { checked } = await fresh.assertCacheMatchesDatabase();
        // At least the 45 first pages ordered by a time without a search (5 filters, 3 orders, 3 sizes) were kept.
        expect(checked).toBeGreaterThanOrEqual(45);
        // Time-ordered pages without a search were kept (the newest-first unfiltered first page needs no statement);
        // name-ordered and searched pages that a new row could join were dropped and are read again.
        const head = await fresh.countStatements(() => fresh.gql(Q, { f: {}, o: { field: 'CREATED_AT' }, first: 20 }));
        expect(head.statements).toHaveLength(0);
        expect(head.result.data.templates.edges).toHaveLength(Math.min(n, 20));
        const byName = await fresh.countStatements(() => fresh.gql(Q, { f: {}, o: { field: 'NAME' }, first: 20 }));
        expect(byName.statements.length).toBeGreaterThan(0);
        await readAll();
      }
      // An update still moves every page of its kinds to a new generation.
      const any = (await fresh.gql(Q, { f: {}, o: { field: 'CREATED_AT' }, first: 1 })).data.templates.edges[0].node.id;
      const upd = await fresh.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { description: "changed" }) { id } }`, { id: any });
      expect(upd.errors).toBeUndefined();
      const afterUpdate = await fresh.countStatements(() => fresh.gql(Q, { f: {}, o: { field: 'CREATED_AT' }, first: 20 }));
      expect(afterUpdate.statements.length).toBeGreaterThan(0);
    } finally {
      await fresh.close();
    }
  });
});

describe('a create whose row changed again before its cache update', () => {
  it('moves the pages to a new generation instead of putting the row in them as inserted', async () => {
    const fresh = await createTestApp();
    try {
      const Q = `{ templates(first: 5, filter: { category: "quality" }) { edges { node { id } } } }`;
      const res = await fresh.gql(CREATE, { input: input({ category: 'quality' }) });
      expect(res.errors).toBeUndefined();
      await fresh.gql(Q); // cached
      const mark = fresh.deps.cache.invalidationSeq('template');
      const [row] = await fresh.deps.db
        .insertInto('prompt_templates')
        .values({ name: `late-${Date.now()}`, category: 'quality', content: 'x', variables: '[]', description: null, created_by: null })
        .returningAll()
        .execute();
      // An update moved the new row to another category, and invalidated it, before the create's cache update ran.
      await fresh.deps.db.updateTable('prompt_templates').set({ category: 'data' }).where('id', '=', row!.id).execute();
      await fresh.deps.cache.delete('template', [row!.id]);
      await invalidateTemplates(fresh.deps.cache, { before: [], after: [row!], createdSince: mark });
      const page = await fresh.countStatements(() => fresh.gql(Q));
      expect(page.result.data.templates.edges.map((e: any) => e.node.id)).toEqual([res.data.createTemplate.id]);
      expect(page.statements.map((s) => s.repositoryFunction)).toEqual(['findTemplatePageKeys']);
      await fresh.assertCacheMatchesDatabase();
    } finally {
      await fresh.close();
    }
  });
});

describe('reads that start after a write answered', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // A database whose answers arrive late (a busy network or event loop): the statement has run, its rows are on
  // their way. Loads through it began before the write below, and their answers come after it.
  const late = (db: TestApp['deps']['db']) =>
    db.withPlugin({
      transformQuery: (a) => a.node,
      transformResult: async (a) => {
        await sleep(300);
        return a.result;
      },
    });

  // Each of these tests runs on an app of its own, checked against the database at the end.
  const onFreshApp = async (test: (fresh: TestApp) => Promise<void>) => {
    const fresh = await createTestApp();
    try {
      await test(fresh);
      await fresh.assertCacheMatchesDatabase();
    } finally {
      await fresh.close();
    }
  };

  it('see within one operation what an earlier field of it wrote', async () => {
    const t = await create({ content: 'Old {{ task }}', variables: [{ name: 'task' }] });
    const res = await app.gql(
      `mutation($id: ID!, $name: String!) {
        r1: renderTemplate(id: $id, variables: { task: "x" }) { rendered version }
        u: updateTemplate(id: $id, input: { content: "New {{ task }}" }) { version }
        r2: renderTemplate(id: $id, variables: { task: "x" }) { rendered version }
        r3: renderTemplate(name: $name, variables: { task: "x" }) { rendered version }
      }`,
      { id: t.id, name: t.name },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      r1: { rendered: 'Old x', version: 1 },
      u: { version: 2 },
      r2: { rendered: 'New x', version: 2 },
      r3: { rendered: 'New x', version: 2 },
    });
  });

  it('see a created template, although a load of the same page began before the create', async () =>
    onFreshApp(async (fresh) => {
      expect((await fresh.gql(CREATE, { input: input() })).errors).toBeUndefined();
      const page = { filter: {}, column: 'created_at' as const, direction: 'desc' as const, limit: 6 };
      const early = loadTemplatePageKeys(late(fresh.deps.db), fresh.deps.cache, fresh.deps.config.templates.categories, page);
      await sleep(100);
      const made = await fresh.gql(CREATE, { input: input() });
      expect(made.errors).toBeUndefined();
      const list = await fresh.gql(`{ templates(first: 5) { edges { node { id } } } }`);
      expect(list.data.templates.edges[0].node.id).toBe(made.data.createTemplate.id);
      expect((await early).map((k) => k.id)).not.toContain(made.data.createTemplate.id); // it read before the create
    }));

  it('see an updated template, although a load of it began before the update', async () =>
    onFreshApp(async (fresh) => {
      const t = (await fresh.gql(CREATE, { input: input() })).data.createTemplate;
      await fresh.deps.cache.delete('template', [t.id]); // not cached: the next read loads it
      const early = createTemplateLoaders(late(fresh.deps.db), fresh.deps.cache).templateById.load(t.id);
      await sleep(100);
      const upd = await fresh.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { description: "after" }) { id } }`, { id: t.id });
      expect(upd.errors).toBeUndefined();
      const read = await fresh.gql(`query($id: ID!) { template(id: $id) { description } }`, { id: t.id });
      expect(read.data.template.description).toBe('after');
      expect((await early)?.description).toBe('A test template');
    }));

  it('an upper-case id in a cursor reads as its lower-case form, and a create at the cursor is placed as PostgreSQL places it', async () =>
    onFreshApp(async (fresh) => {
      const Q = `query($after: String) { templates(first: 5, after: $after, orderBy: { field: CREATED_AT, direction: ASC }) { edges { node { id } } } }`;
      const T = Date.now() + 86_400_000;
      const upper = encodeCursor('t:created_at:asc', [T, 'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF']);
      const lower = encodeCursor('t:created_at:asc', [T, 'ffffffff-ffff-4fff-bfff-ffffffffffff']);
      expect((await fresh.gql(Q, { after: upper })).data.templates.edges).toEqual([]);
      const mark = fresh.deps.cache.invalidationSeq('template');
      // A row created at the cursor's very millisecond, with an id PostgreSQL orders before the cursor's.
      const [row] = await fresh.deps.db
        .insertInto('prompt_templates')
        .values({ id: 'aaaaaaaa-aaaa-4aaa-aaaa-aaaaaaaaaaaa', name: `at-cursor-${T}`, category: 'data', content: 'x', variables: '[]', created_at: new Date(T), updated_at: new Date(T) })
        .returningAll()
        .execute();
      await invalidateTemplates(fresh.deps.cache, { before: [], after: [row!], createdSince: mark });
      for (const after of [upper, lower]) expect((await fresh.gql(Q, { after })).data.templates.edges).toEqual([]);
    }));
});

describe('keyset pagination', () => {
  it('walks 250 templates in every order with no duplicate and no gap while rows are inserted between pages', async () => {
    const category = 'communication';
    const fresh = await createTestApp();
    try {
      const mk = (i: number) => ({
        name: `walk-${String(i).padStart(4, '0')}`,
        description: null,
        category,
        content: 'x',
        variables: '[]',
        created_by: 'walker',
      });
      // Inserted in several statements so that many rows share a created_at value (ties are broken by id).
      for (let i = 0; i < 250; i += 50) {
        await fresh.deps.db.insertInto('prompt_templates').values(Array.from({ length: 50 }, (_, j) => mk(i + j))).execute();
      }
      const orders = [
        { field: 'CREATED_AT' },
        { field: 'NAME' },
        { field: 'UPDATED_AT', direction: 'ASC' },
        { field: 'NAME', direction: 'DESC' },
      ];
      for (const [oi, orderBy] of orders.entries()) {
        const seen: string[] = [];
        let after: string | null = null;
        let extra = 0;
        for (;;) {
          const res: any = await fresh.gql(
            `query($after: String, $o: TemplateOrder) {
              templates(first: 37, after: $after, orderBy: $o, filter: { createdBy: "walker" }) {
                edges { node { name } } pageInfo { hasNextPage endCursor }
              }
            }`,
            { after, o: orderBy },
          );
          expect(res.errors).toBeUndefined();
          seen.push(...res.data.templates.edges.map((e: any) => e.node.name));
          // A row inserted mid-walk by another author must not disturb the walk.
          await fresh.deps.db.insertInto('prompt_templates').values({ ...mk(0), name: `other-${oi}-${extra++}`, created_by: 'other' }).execute();
          if (!res.data.templates.pageInfo.hasNextPage) break;
          after = res.data.templates.pageInfo.endCursor;
        }
        expect(seen).toHaveLength(250);
        expect(new Set(seen).size).toBe(250);
        if (orderBy.field === 'NAME') {
          const sorted = [...seen].sort();
          expect(seen).toEqual(orderBy.direction === 'DESC' ? sorted.reverse() : sorted);
        }
      }
      // Newest first: rows inserted during a walk come before the walk's position and never appear in it.
      const seen = new Set<string>();
      let after: string | null = null;
      let n = 0;
      for (;;) {
        const res: any = await fresh.gql(
          `query($after: String) { templates(first: 40, after: $after, filter: { category: "${category}" }) {
            edges { node { name } } pageInfo { hasNextPage endCursor } } }`,
          { after },
        );
        for (const e of res.data.templates.edges) {
          expect(seen.has(e.node.name)).toBe(false);
          seen.add(e.node.name);
        }
        await fresh.deps.db.insertInto('prompt_templates').values({ ...mk(0), name: `late-${n++}` }).execute();
        if (!res.data.templates.pageInfo.hasNextPage) break;
        after = res.data.templates.pageInfo.endCursor;
      }
      const before = await fresh.deps.db.selectFrom('prompt_templates').select('name').where('name', 'not like', 'late-%').execute();
      for (const r of before) expect(seen.has(r.name)).toBe(true);
      for (const name of seen) expect(name.startsWith('late-')).toBe(false);
    } finally {
      await fresh.close();
    }
  });
});

describe('updates, versions and soft delete', () => {
  const UPDATE = `mutation($id: ID!, $input: UpdateTemplateInput!) { updateTemplate(id: $id, input: $input) { version content description } }`;

  it('bumps the version on a content change and keeps the previous version', async () => {
    const t = await create();
    const res = await app.gql(UPDATE, { id: t.id, input: { content: 'Write {{ language }} tests for {{ task }}.', updatedBy: 'carol' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.updateTemplate.version).toBe(2);
    const row = await dbRow(t.id);
    expect(row?.version).toBe(2);
    const versions = await app.deps.db
      .selectFrom('prompt_template_versions').selectAll().where('template_id', '=', t.id).orderBy('version').execute();
    expect(versions.map((v) => [v.version, v.content, v.created_by])).toEqual([
      [1, 'Write {{ language }} code for {{task}}.', null],
      [2, 'Write {{ language }} tests for {{ task }}.', 'carol'],
    ]);
    const api = await app.gql(`query($id: ID!) { template(id: $id) { versions { version content } } }`, { id: t.id });
    expect(api.data.template.versions.map((v: any) => v.version)).toEqual([2, 1]);
  });

  it('does not bump the version for a description change', async () => {
    const t = await create();
    const res = await app.gql(UPDATE, { id: t.id, input: { description: 'new words' } });
    expect(res.data.updateTemplate).toMatchObject({ version: 1, description: 'new words' });
    expect((await dbRow(t.id))?.description).toBe('new words');
  });

  it('bumps the version when only the variables change', async () => {
    const t = await create();
    const res = await app.gql(UPDATE, {
      id: t.id,
      input: { variables: [{ name: 'language', required: false, defaultValue: 'Go' }, { name: 'task' }] },
    });
    expect(res.data.updateTemplate.version).toBe(2);
  });

  it('rejects an update that leaves placeholders undeclared, changing nothing', async () => {
    const t = await create();
    const res = await app.gql(UPDATE, { id: t.id, input: { content: 'Only {{ task }} and {{ extra }}' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('extra');
    expect((await dbRow(t.id))?.version).toBe(1);
  });

  it('gives NOT_FOUND for an unknown id and CONFLICT for a rename onto a taken name', async () => {
    const a = await create();
    const b = await create();
    const missing = await app.gql(UPDATE, { id: '00000000-0000-0000-0000-000000000000', input: { description: 'x' } });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const clash = await app.gql(UPDATE, { id: b.id, input: { name: a.name } });
    expect(clash.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect((await dbRow(b.id))?.name).toBe(b.name);
  });

  it('restores an old version as a new version', async () => {
    const t = await create();
    await app.gql(UPDATE, { id: t.id, input: { content: 'v2 {{ language }} {{ task }}' } });
    const res = await app.gql(`mutation($id: ID!) { restoreTemplateVersion(id: $id, version: 1) { version content } }`, { id: t.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.restoreTemplateVersion).toEqual({ version: 3, content: 'Write {{ language }} code for {{task}}.' });
    const row = await dbRow(t.id);
    expect(row).toMatchObject({ version: 3, content: 'Write {{ language }} code for {{task}}.' });
    const none = await app.gql(`mutation($id: ID!) { restoreTemplateVersion(id: $id, version: 99) { version } }`, { id: t.id });
    expect(none.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('soft-deletes: hidden from lists unless includeInactive, still readable by id', async () => {
    const t = await create({ category: 'architecture' });
    const before = await app.gql(`{ categories { category count } }`);
    const del = await app.gql(`mutation($id: ID!) { deleteTemplate(id: $id) { isActive } }`, { id: t.id });
    expect(del.data.deleteTemplate.isActive).toBe(false);
    expect((await dbRow(t.id))?.is_active).toBe(false);
    const q = `query($f: TemplateFilter) { templates(filter: $f, first: 100) { edges { node { id } } } }`;
    const hidden = await app.gql(q, { f: { search: t.name } });
    expect(hidden.data.templates.edges).toHaveLength(0);
    const shown = await app.gql(q, { f: { search: t.name, includeInactive: true } });
    expect(shown.data.templates.edges).toHaveLength(1);
    const after = await app.gql(`{ categories { category count } }`);
    const count = (r: any) => r.data.categories.find((c: any) => c.category === 'architecture')?.count ?? 0;
    expect(count(after)).toBe(count(before) - 1);
    const render = await app.gql(`mutation($id: ID!) { renderTemplate(id: $id, variables: {task: "x"}) { rendered } }`, { id: t.id });
    expect(render.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('DateTime and JSON through the API', () => {
  it("describe themselves as schema.graphql does, and read literals and variables", async () => {
    const sdl = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const intro = await app.gql(`{ d: __type(name: "DateTime") { description specifiedByURL } j: __type(name: "JSON") { description specifiedByURL } }`);
    for (const [alias, name] of [['d', 'DateTime'], ['j', 'JSON']] as const) {
      const declared = sdl.getType(name) as GraphQLScalarType;
      expect(intro.data[alias]).toEqual({ description: declared.description, specifiedByURL: declared.specifiedByURL });
      expect(declared.specifiedByURL).toMatch(/^https:/);
    }

    const t = await create({ content: 'Write {{ task }} for {{ who }}.', variables: [{ name: 'task' }, { name: 'who' }] });
    const literal = await app.gql(
      `mutation($id: ID!, $who: JSON) { renderTemplate(id: $id, variables: { task: "tests", who: $who }) { rendered } }`,
      { id: t.id, who: 'the team' },
    );
    expect(literal.errors).toBeUndefined();
    expect(literal.data.renderTemplate.rendered).toBe('Write tests for the team.');

    const since = '2026-11-28T10:14:43.5+01:00';
    const usage = await app.gql(`query($id: ID!) { template(id: $id) { createdAt usage(since: "${since}") { count } } }`, { id: t.id });
    expect(usage.errors).toBeUndefined();
    expect(usage.data.template.createdAt).toBe((await dbRow(t.id))!.created_at.toISOString());
    for (const bad of ['2026-02-29T00:00:00Z', '2026-11-28 10:14:43Z']) {
      const refused = await app.gql(`query($id: ID!) { template(id: $id) { usage(since: "${bad}") { count } } }`, { id: t.id });
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0]?.message).toContain('expected an RFC 3339 date-time');
      const asVariable = await app.gql(`query($id: ID!, $s: DateTime) { template(id: $id) { usage(since: $s) { count } } }`, { id: t.id, s: bad });
      expect(asVariable.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('renderTemplate', () => {
  const RENDER = `mutation($id: ID, $name: String, $vars: JSON, $strict: Boolean) {
    renderTemplate(id: $id, name: $name, variables: $vars, strict: $strict) {
      rendered usedVariables defaultedVariables missingVariables unknownVariables version templateName
    }
  }`;

  it('renders by id and by name with defaults filled and unknown variables ignored', async () => {
    const t = await create();
    const byId = await app.gql(RENDER, { id: t.id, vars: { task: 'a parser', extra: 1 } });
    expect(byId.errors).toBeUndefined();
    expect(byId.data.renderTemplate).toMatchObject({
      rendered: 'Write TypeScript code for a parser.',
      usedVariables: ['task'],
      defaultedVariables: ['language'],
      unknownVariables: ['extra'],
      version: 1,
    });
    const byName = await app.gql(RENDER, { name: t.name, vars: { task: { n: 1 }, language: 'Rust' } });
    expect(byName.data.renderTemplate.rendered).toBe('Write Rust code for {"n":1}.');
  });

  it('names every missing required variable', async () => {
    const t = await create({
      content: '{{ a }} {{ b }} {{ c }}',
      variables: [{ name: 'a' }, { name: 'b' }, { name: 'c', required: false }],
    });
    const res = await app.gql(RENDER, { id: t.id, vars: {} });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.missing).toEqual(['a', 'b']);
    expect(res.errors?.[0]?.message).toContain('a, b');
  });

  it('refuses undeclared variables in strict mode', async () => {
    const t = await create();
    const res = await app.gql(RENDER, { id: t.id, vars: { task: 'x', nope: 1 }, strict: true });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.message).toContain('nope');
  });

  it('needs exactly one of id and name, and gives NOT_FOUND for an unknown template', async () => {
    const both = await app.gql(RENDER, { id: '00000000-0000-0000-0000-000000000000', name: 'x' });
    expect(both.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const missing = await app.gql(RENDER, { name: 'does-not-exist' });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('seed', () => {
  it('inserts the eleven built-in templates once and never overwrites a later edit', async () => {
    const fresh = await createTestApp({ seed: true });
    try {
      const { seedBuiltinTemplates } = await import('../src/domains/templates/templates.seed.ts');
      const res = await fresh.gql(`{ templates(first: 100) { totalCount edges { node { id name category } } } }`);
      expect(res.data.templates.totalCount).toBe(11);
      const names = res.data.templates.edges.map((e: any) => e.node.name);
      for (const n of ['zero-shot', 'few-shot', 'chain-of-thought', 'tree-of-thoughts', 'react', 'self-consistency', 'meta-prompting', 'prompt-chaining', 'api-design', 'database-schema-design', 'business-logic-implementation']) {
        expect(names).toContain(n);
      }
      const zero = res.data.templates.edges.find((e: any) => e.node.name === 'zero-shot').node;
      await fresh.gql(`mutation($id: ID!) { updateTemplate(id: $id, input: { name: "my-zero-shot" }) { id } }`, { id: zero.id });
      expect(await seedBuiltinTemplates(fresh.deps.db, fresh.config.templates.categories)).toEqual([]);
      const after = await fresh.deps.db.selectFrom('prompt_templates').select('name').execute();
      expect(after).toHaveLength(11);
      expect(after.map((r) => r.name)).toContain('my-zero-shot');
      expect(after.map((r) => r.name)).not.toContain('zero-shot');
    } finally {
      await fresh.close();
    }
  });

  it('every built-in template renders with its required variables', async () => {
    const { BUILTIN_TEMPLATES } = await import('../src/domains/templates/seed-data.ts');
    const { templateProblems } = await import('../src/domains/templates/templates.validation.ts');
    for (const t of BUILTIN_TEMPLATES) {
      expect(templateProblems({ ...t, createdBy: null }, app.config.templates)).toEqual([]);
    }
  });
});
