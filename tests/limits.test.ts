import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { documentHash } from '../src/plugins/trusted-documents.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { startTestServer } from './helpers/server.ts';

let prod: TestApp;
beforeAll(async () => {
  prod = await createTestApp({ env: { NODE_ENV: 'production', AUTH_MODE: 'off' } });
});
afterAll(async () => {
  await prod?.close();
});

async function post(app: TestApp, body: unknown, headers: Record<string, string> = {}) {
  const res = await app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}
const codes = (body: any) => (body.errors ?? []).map((e: any) => e.extensions?.code);
const limitError = (body: any, limit: string) => body.errors?.find((e: any) => e.extensions?.limit === limit);

const CREATE = `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`;

describe('defaults', () => {
  it('has the documented defaults, with introspection and GraphiQL off and auth required in production', () => {
    const c = loadConfig({ NODE_ENV: 'production' });
    expect(c.limits).toMatchObject({ maxDepth: 10, maxBodyBytes: 1024 * 1024, introspection: false, graphiql: false });
    expect(c.auth.mode).toBe('required');
    const dev = loadConfig({});
    expect(dev.limits).toMatchObject({ introspection: true, graphiql: true });
    expect(dev.auth.mode).toBe('off');
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', AUTH_MODE: 'off' })).toMatchObject({
      limits: { introspection: true },
      auth: { mode: 'off' },
    });
  });
});

describe('query limits', () => {
  it('refuses a query deeper than GRAPHQL_MAX_DEPTH, naming the limit and its value', async () => {
    const app = await createTestApp({ env: { GRAPHQL_MAX_DEPTH: '3' } });
    try {
      const ok = await post(app, { query: '{ templates { edges { cursor } } }' });
      expect(ok.body.errors).toBeUndefined();
      const deep = await post(app, { query: '{ templates { edges { node { name } } } }' });
      expect(limitError(deep.body, 'GRAPHQL_MAX_DEPTH')).toMatchObject({
        message: expect.stringContaining('GRAPHQL_MAX_DEPTH = 3'),
        extensions: { code: 'LIMIT_EXCEEDED', max: 3 },
      });
      expect(deep.body.data).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('refuses too many aliases, directives and tokens', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: categories { count }`).join(' ');
    expect(limitError((await post(prod, { query: `{ ${aliases} }` })).body, 'GRAPHQL_MAX_ALIASES').extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      max: 15,
    });
    const directives = Array.from({ length: 11 }, () => '@include(if: true)').join(' ');
    expect(limitError((await post(prod, { query: `{ __typename ${directives} }` })).body, 'GRAPHQL_MAX_DIRECTIVES')).toBeDefined();
    const tokens = await post(prod, { query: `{ ${'__typename '.repeat(2100)} }` });
    expect(limitError(tokens.body, 'GRAPHQL_MAX_TOKENS').extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', max: 2000 });
  });

  it('prices a list by its page size: the cost limit counts `first`', async () => {
    const app = await createTestApp({ env: { GRAPHQL_MAX_COST: '100' } });
    try {
      const q = 'query($n: Int) { templates(first: $n) { edges { node { name category content } } } }';
      // 1 (templates) + n × (edges + node + 3 fields) = 1 + 5n
      expect((await post(app, { query: q, variables: { n: 19 } })).body.errors).toBeUndefined();
      const refused = await post(app, { query: q, variables: { n: 20 } });
      expect(refused.body.errors[0]).toMatchObject({
        message: expect.stringContaining('Query cost 101'),
        extensions: { code: 'LIMIT_EXCEEDED', limit: 'GRAPHQL_MAX_COST', max: 100, cost: 101 },
      });
      // No statement runs for a refused query.
      const { statements } = await app.countStatements(() => post(app, { query: q, variables: { n: 50 } }));
      expect(statements).toHaveLength(0);
    } finally {
      await app.close();
    }
  });

  it('turns introspection off in production (coded) and blocks field suggestions', async () => {
    const intro = await post(prod, { query: '{ __schema { types { name } } }' });
    expect(codes(intro.body)).toContain('INTROSPECTION_DISABLED');
    const typo = await post(prod, { query: '{ templatez { totalCount } }' });
    expect(typo.body.errors[0].message).not.toMatch(/Did you mean/);
    expect(codes(typo.body)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const graphiql = await prod.yoga.fetch('http://test/graphql', { headers: { accept: 'text/html' } });
    expect(await graphiql.text()).not.toContain('<html');
  });

  it('lets GraphiQL introspect the schema when introspection is on (development)', async () => {
    const dev = await createTestApp({ env: { NODE_ENV: 'development' } });
    try {
      const res = await post(dev, { query: getIntrospectionQuery() });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.__schema.queryType.name).toBe('Query');
    } finally {
      await dev.close();
    }
  });

  it('limits the request body to MAX_REQUEST_BODY_BYTES (413, coded)', async () => {
    const big = JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(1024 * 1024) } });
    const res = await post(prod, big);
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_REQUEST_BODY_BYTES', max: 1048576 });
  });

  it('limits the body over HTTP whether its length is declared or not (chunked)', async () => {
    const server = await startTestServer({ env: { AUTH_MODE: 'off', MAX_REQUEST_BODY_BYTES: '4096' } });
    try {
      const send = (body: string, chunked: boolean) =>
        new Promise<{ status: number; body: any }>((resolve, reject) => {
          const req = request(`${server.url}/graphql`, {
            method: 'POST',
            headers: chunked
              ? { 'content-type': 'application/json' }
              : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          });
          req.on('error', reject);
          // Two writes without a declared length: Node sends them chunked.
          const half = Math.floor(body.length / 2);
          req.write(body.slice(0, half));
          req.end(body.slice(half));
        });
      const small = JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(3000) } });
      const big = JSON.stringify({ query: '{ __typename }', variables: { x: 'x'.repeat(5000) } });
      for (const chunked of [false, true]) {
        const ok = await send(small, chunked);
        expect(ok.body).toEqual({ data: { __typename: 'Query' } });
        const refused = await send(big, chunked);
        expect(refused.status).toBe(413);
        expect(refused.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'MAX_REQUEST_BODY_BYTES', max: 4096 });
      }
    } finally {
      await server.close();
    }
  });

  it('allows up to GRAPHQL_MAX_BATCH operations per batched request', async () => {
    const ok = await post(prod, Array.from({ length: 5 }, () => ({ query: '{ __typename }' })));
    expect(ok.body).toHaveLength(5);
    const refused = await post(prod, Array.from({ length: 6 }, () => ({ query: '{ __typename }' })));
    expect(refused.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'GRAPHQL_MAX_BATCH', max: 5 });
  });

  it('prevents CSRF: a simple request without the CSRF header is refused', async () => {
    const res = await prod.yoga.fetch('http://test/graphql?query=%7B__typename%7D', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('CSRF_HEADER_REQUIRED');
    const withHeader = await prod.yoga.fetch('http://test/graphql?query=%7B__typename%7D', {
      headers: { accept: 'application/json', 'x-graphql-yoga-csrf': '1' },
    });
    expect(((await withHeader.json()) as any).data).toEqual({ __typename: 'Query' });
  });
});

describe('hostile input', () => {
  const input = (o: Record<string, unknown>) => ({ name: 'n1', category: 'data', content: 'Hi', ...o });

  it('bounds every string argument, literal or variable, and long text by its own limit', async () => {
    const longName = await post(prod, { query: CREATE, variables: { input: input({ description: 'd'.repeat(5001) }) } });
    expect(longName.body.errors[0].extensions).toMatchObject({
      code: 'LIMIT_EXCEEDED',
      limit: 'INPUT_MAX_STRING_CHARS',
      max: 5000,
      field: 'CreateTemplateInput.description',
    });
    const literal = await post(prod, { query: `{ templateByName(name: "${'x'.repeat(5001)}") { id } }` });
    expect(literal.body.errors[0].extensions).toMatchObject({ limit: 'INPUT_MAX_STRING_CHARS', field: 'Query.templateByName(name)' });
    // Content is long text: 6,000 characters pass this check (and the template's own byte limit).
    const content = await post(prod, { query: CREATE, variables: { input: input({ content: 'c'.repeat(6000) }) } });
    expect(content.body.errors).toBeUndefined();
    expect(await prod.deps.db.selectFrom('prompt_templates').select('name').where('name', '=', 'n1').execute()).toHaveLength(1);
  });

  it('bounds JSON inputs by depth and size', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 11; i++) deep = { d: deep };
    const q = 'mutation($v: JSON) { renderTemplate(name: "none", variables: $v) { rendered } }';
    const tooDeep = await post(prod, { query: q, variables: { v: { a: deep } } });
    expect(tooDeep.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'INPUT_MAX_JSON_DEPTH', max: 10 });
    const tooBig = await post(prod, { query: q, variables: { v: { a: 'x'.repeat(70_000) } } });
    expect(tooBig.body.errors[0].extensions).toMatchObject({ limit: 'INPUT_MAX_JSON_BYTES', max: 65536 });
    const defaults = await post(prod, {
      query: CREATE,
      variables: { input: input({ name: 'n2', content: '{{ a }}', variables: [{ name: 'a', defaultValue: { a: deep } }] }) },
    });
    expect(defaults.body.errors[0].extensions).toMatchObject({ limit: 'INPUT_MAX_JSON_DEPTH', field: 'TemplateVariableInput.defaultValue' });
  });

  it('refuses a render whose output would pass RENDER_MAX_OUTPUT_BYTES', async () => {
    const app = await createTestApp({ env: { RENDER_MAX_OUTPUT_BYTES: '100000' } });
    try {
      const content = Array.from({ length: 200 }, () => '{{ v }}').join(' ');
      expect((await post(app, { query: CREATE, variables: { input: input({ name: 'many', content, variables: [{ name: 'v' }] }) } })).body.errors).toBeUndefined();
      const render = 'mutation($v: JSON) { renderTemplate(name: "many", variables: $v) { rendered } }';
      const small = await post(app, { query: render, variables: { v: { v: 'x'.repeat(400) } } });
      expect(small.body.data.renderTemplate.rendered).toHaveLength(200 * 400 + 199);
      const big = await post(app, { query: render, variables: { v: { v: 'x'.repeat(600) } } });
      expect(big.body.errors[0].extensions).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'RENDER_MAX_OUTPUT_BYTES', max: 100000 });
      expect(big.body.data).toBeNull();
    } finally {
      await app.close();
    }
  });
});

describe('trusted documents', () => {
  it('runs only registered operations, by hash', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'trusted-'));
    const doc = 'query Count { templates { totalCount } }\n';
    writeFileSync(path.join(dir, 'count.graphql'), doc);
    const app = await createTestApp({ env: { TRUSTED_DOCUMENTS: 'on', TRUSTED_DOCUMENTS_PATH: dir } });
    try {
      const byHash = await post(app, { extensions: { persistedQuery: { version: 1, sha256Hash: documentHash(doc) } } });
      expect(byHash.body).toEqual({ data: { templates: { totalCount: 0 } } });
      const byId = await post(app, { documentId: documentHash(doc) });
      expect(byId.body.data).toEqual({ templates: { totalCount: 0 } });
      expect(codes((await post(app, { query: doc })).body)).toEqual(['PERSISTED_QUERY_ONLY']);
      expect(codes((await post(app, { documentId: 'f'.repeat(64) })).body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    } finally {
      await app.close();
    }
  });
});

describe('compiled execution answers as the reference executor does', () => {
  it('runs the operation each request names, whatever the same document ran before', async () => {
    const query = 'query A { categories { category } } query B { __typename }';
    for (const first of ['B', 'A']) {
      const results = [];
      for (const operationName of [first, first === 'A' ? 'B' : 'A', first]) {
        const res = await post(prod, { query, operationName });
        expect(res.body.errors).toBeUndefined();
        results.push([operationName, Object.keys(res.body.data)]);
      }
      for (const [name, keys] of results) expect(keys).toEqual(name === 'A' ? ['categories'] : ['__typename']);
    }
  });

  it('keeps variables inside literals (a JSON argument built from variables)', async () => {
    const made = await post(prod, {
      query: CREATE,
      variables: { input: { name: 'jit-literal', category: 'data', content: 'Do {{ task }} in {{ lang }}', variables: [{ name: 'task' }, { name: 'lang' }] } },
    });
    expect(made.body.errors).toBeUndefined();
    const res = await post(prod, {
      query: 'mutation($t: String, $l: String) { renderTemplate(name: "jit-literal", variables: { task: $t, lang: $l }) { rendered } }',
      variables: { t: 'the dishes', l: 'French' },
    });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.renderTemplate.rendered).toBe('Do the dishes in French');
  });

  it('refuses bad or missing variables with 400 and BAD_USER_INPUT', async () => {
    const query = 'query($n: Int!) { templates(first: $n) { edges { node { id } } } }';
    for (const variables of [{ n: 'ten' }, {}]) {
      const res = await post(prod, { query, variables });
      expect(res.status).toBe(400);
      expect(codes(res.body)).toEqual(['BAD_USER_INPUT']);
    }
    const ok = await post(prod, { query, variables: { n: 2 } });
    expect(ok.body.errors).toBeUndefined();
  });
});

describe('compiled execution keeps the reference executor\'s answers', () => {
  it('applies defaults: of variables, and of input fields given through a variable', async () => {
    const order = await post(prod, {
      query: 'query($o: TemplateOrder) { templates(first: 2, orderBy: $o) { edges { node { id } } } }',
      variables: { o: { direction: 'ASC' } },
    });
    expect(order.body.errors).toBeUndefined();
    const popular = await post(prod, { query: 'query($l: Int! = 5) { popularTemplates(limit: $l) { usageCount } }' });
    expect(popular.body.errors).toBeUndefined();
    const since = await post(prod, {
      query: 'query($s: DateTime = "2024-01-01T00:00:00Z") { popularTemplates(limit: 3, since: $s) { usageCount } }',
    });
    expect(since.body.errors).toBeUndefined();
  });

  it('gives an input field whose variable a request leaves out its meaning when absent', async () => {
    // ttlSeconds: absent takes the configured TTL, null never expires.
    const query = `mutation($s: String!, $ttl: Int) {
  appendMemory(input: { sessionId: $s, conversationId: "c", role: USER, content: "hi", ttlSeconds: $ttl }) { createdAt expiresAt }
}`;
    const lifetime = async (variables: Record<string, unknown>) => {
      const res = await post(prod, { query, variables });
      expect(res.body.errors).toBeUndefined();
      const { createdAt, expiresAt } = res.body.data.appendMemory;
      return expiresAt === null ? null : (Date.parse(expiresAt) - Date.parse(createdAt)) / 1000;
    };
    expect(await lifetime({ s: 'jit-ttl', ttl: 60 })).toBe(60);
    expect(await lifetime({ s: 'jit-ttl', ttl: null })).toBeNull();
    expect(await lifetime({ s: 'jit-ttl' })).toBe(prod.deps.config.memory.defaultTtlSeconds);
  });

  it('refuses a null variable in a non-null input field, as the reference executor does', async () => {
    const query = 'query($f: TemplateOrderField) { templates(first: 1, orderBy: { field: $f }) { edges { node { id } } } }';
    const res = await post(prod, { query, variables: { f: null } });
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].message).toMatch(/invalid value/);
    expect(res.body.errors[0].path).toEqual(['templates']);
  });

  it('keeps the selection order through fragments', async () => {
    const res = await post(prod, { query: '{ categories { ...F category } } fragment F on CategoryCount { count }' });
    expect(res.body.errors).toBeUndefined();
    for (const c of res.body.data.categories) expect(Object.keys(c)).toEqual(['count', 'category']);
  });

  it('gives field errors their locations', async () => {
    const query = 'query Page($n: Int!) {\n  templates(first: $n) { edges { node { id } } }\n}';
    const res = await post(prod, { query, variables: { n: 1000 } });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].path).toEqual(['templates']);
    expect(res.body.errors[0].locations).toEqual([{ line: 2, column: 3 }]);
  });
});
