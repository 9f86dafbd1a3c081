import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const CREATE_MANY = `mutation($in: [CreateTemplateInput!]!) { createTemplates(inputs: $in) { id name version } }`;
const tag = () => Math.random().toString(36).slice(2, 8);
const item = (name: string, extra: Record<string, unknown> = {}) => ({
  name, category: 'data', content: 'Use {{ x }}', variables: [{ name: 'x' }], ...extra,
});

describe('createTemplates', () => {
  it('creates up to 100 templates with their versions in one multi-row statement, in input order', async () => {
    const t = tag();
    const inputs = Array.from({ length: 100 }, (_, i) => item(`bulk-${t}-${i}`));
    const { result, statements } = await app.countStatements(() => app.gql(CREATE_MANY, { in: inputs }));
    expect(result.errors).toBeUndefined();
    expect(result.data.createTemplates.map((r: any) => r.name)).toEqual(inputs.map((i) => i.name));
    // Templates and their first versions are written by one atomic statement (multi-row inserts in CTEs).
    const writes = statements.filter((s) => /\binsert\b/i.test(s.sql));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.sql).toMatch(/insert into "?prompt_templates"?[\s\S]*insert into "?prompt_template_versions"?/i);
    // One text for any number of templates: a single create runs the same statement, prepared once per connection.
    const single = await app.countStatements(() =>
      app.gql(`mutation($in: CreateTemplateInput!) { createTemplate(input: $in) { id } }`, { in: item(`bulk-${t}-single`) }),
    );
    expect(single.result.errors).toBeUndefined();
    expect(single.statements.filter((s) => /\binsert\b/i.test(s.sql)).map((s) => s.sql)).toEqual([writes[0]!.sql]);
    const rows = await app.deps.db.selectFrom('prompt_templates').select('name').where('name', 'like', `bulk-${t}-%`).execute();
    expect(rows).toHaveLength(101);
    const versions = await app.deps.db.selectFrom('prompt_template_versions').select('template_id')
      .where('template_id', 'in', result.data.createTemplates.map((r: any) => r.id)).execute();
    expect(versions).toHaveLength(100);
  });

  it('rejects the whole batch when any item is invalid, reporting every item\'s errors', async () => {
    const t = tag();
    const inputs = [
      item(`ok-${t}-0`),
      item(`Bad ${t}`),
      item(`ok-${t}-2`, { content: 'Use {{ y }}' }),
      item(`ok-${t}-0`),
    ];
    const res = await app.gql(CREATE_MANY, { in: inputs });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const items = res.errors?.[0]?.extensions?.items as { index: number; message: string }[];
    expect(items.map((i) => i.index)).toEqual([1, 2, 2, 3]);
    expect(items[0]!.message).toContain('name');
    expect(items[3]!.message).toContain('repeats item 0');
    const rows = await app.deps.db.selectFrom('prompt_templates').select('name').where('name', 'like', `ok-${t}-%`).execute();
    expect(rows).toHaveLength(0);
  });

  it('reports a name already taken as CONFLICT and writes nothing; more than 100 is refused', async () => {
    const t = tag();
    await app.gql(CREATE_MANY, { in: [item(`taken-${t}`)] });
    const res = await app.gql(CREATE_MANY, { in: [item(`new-${t}`), item(`taken-${t}`)] });
    expect(res.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    expect(res.errors?.[0]?.extensions?.items).toEqual([{ index: 1, message: expect.stringContaining('already exists') }]);
    expect(await app.deps.db.selectFrom('prompt_templates').select('id').where('name', '=', `new-${t}`).executeTakeFirst()).toBeUndefined();
    const tooMany = await app.gql(CREATE_MANY, { in: Array.from({ length: 101 }, (_, i) => item(`x-${t}-${i}`)) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toContain('100');
  });

  it('writes nothing when a concurrent batch takes a name first', async () => {
    const t = tag();
    const a = Array.from({ length: 20 }, (_, i) => item(`race-${t}-${i}`));
    const b = [item(`race-${t}-other`), item(`race-${t}-5`)];
    const [ra, rb] = await Promise.all([app.gql(CREATE_MANY, { in: a }), app.gql(CREATE_MANY, { in: b })]);
    const okCount = [ra, rb].filter((r) => !r.errors).length;
    expect(okCount).toBe(1);
    const failed = ra.errors ? ra : rb;
    expect(failed.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const names = (await app.deps.db.selectFrom('prompt_templates').select('name').where('name', 'like', `race-${t}-%`).execute()).map((r) => r.name);
    expect(names.length).toBe(ra.errors ? 2 : 20);
  });
});

describe('generated content', () => {
  it('records content and reads it back by id with its template', async () => {
    const [t] = (await app.gql(CREATE_MANY, { in: [item(`gc-${tag()}`)] })).data.createTemplates;
    const res = await app.gql(
      `mutation($in: GeneratedContentInput!) { recordGeneratedContent(input: $in) { id content tokensUsed inputVariables } }`,
      { in: { templateId: t.id, aiModel: 'm', content: 'hello', inputVariables: { x: 'y' }, tokensUsed: 12, responseTimeMs: 40 } },
    );
    expect(res.errors).toBeUndefined();
    const id = res.data.recordGeneratedContent.id;
    const row = await app.deps.db.selectFrom('generated_contents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ template_id: t.id, ai_model: 'm', content: 'hello', tokens_used: 12, response_time_ms: 40, input_variables: { x: 'y' } });
    const read = await app.gql(`query($id: ID!) { generatedContent(id: $id) { content aiModel template { id } } }`, { id });
    expect(read.data.generatedContent).toEqual({ content: 'hello', aiModel: 'm', template: { id: t.id } });
    const none = await app.gql(`{ generatedContent(id: "00000000-0000-0000-0000-000000000000") { id } }`);
    expect(none.data.generatedContent).toBeNull();
    const missing = await app.gql(
      `mutation { recordGeneratedContent(input: { templateId: "00000000-0000-0000-0000-000000000000", content: "x" }) { id } }`,
    );
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
  it('contents recorded at the same moment share one statement, each answered with its own row', async () => {
    const [t] = (await app.gql(CREATE_MANY, { in: [item(`gc-many-${tag()}`)] })).data.createTemplates;
    const RECORD = `mutation($in: GeneratedContentInput!) { recordGeneratedContent(input: $in) { id content tokensUsed inputVariables } }`;
    const inputs = Array.from({ length: 5 }, (_, i) => ({ templateId: t.id, content: `answer ${i}`, tokensUsed: i, inputVariables: { n: i } }));
    const { result, statements } = await app.countStatements(() => Promise.all(inputs.map((input) => app.gql(RECORD, { in: input }))));
    expect(statements.filter((st) => /generated_contents/i.test(st.sql)).map((st) => st.repositoryFunction)).toEqual(['insertGeneratedContents']);
    for (const [i, res] of result.entries()) {
      expect(res.errors).toBeUndefined();
      expect(res.data.recordGeneratedContent).toMatchObject({ content: `answer ${i}`, tokensUsed: i, inputVariables: { n: i } });
    }
    const ids = result.map((res) => res.data.recordGeneratedContent.id as string);
    expect(new Set(ids).size).toBe(5);
    const stored = await app.deps.db.selectFrom('generated_contents').select(['id', 'content', 'tokens_used']).where('id', 'in', ids).execute();
    expect(stored.sort((a, b) => a.tokens_used! - b.tokens_used!)).toEqual(ids.map((id, i) => ({ id, content: `answer ${i}`, tokens_used: i })));
  });

  it('a content the database refuses fails alone, the others recorded with it are written', async () => {
    const [t] = (await app.gql(CREATE_MANY, { in: [item(`gc-bad-${tag()}`)] })).data.createTemplates;
    const RECORD = `mutation($in: GeneratedContentInput!) { recordGeneratedContent(input: $in) { id content } }`;
    const contents = ['kept 1', 'refused \u0000 byte', 'kept 2'];
    const results = await Promise.all(contents.map((content) => app.gql(RECORD, { in: { templateId: t.id, content } })));
    expect(results.map((r) => r.errors?.[0]?.extensions?.code ?? 'ok')).toEqual(['ok', 'BAD_USER_INPUT', 'ok']);
    const stored = await app.deps.db.selectFrom('generated_contents').select('content').where('template_id', '=', t.id).execute();
    expect(stored.map((r) => r.content).sort()).toEqual(['kept 1', 'kept 2']);
  });
});
