import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createApiKey } from '../src/domains/auth/api-keys.service.ts';
import { createLogger } from '../src/logger.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { createTestDatabase } from './helpers/db.ts';

/**
 * Property: whatever arrives, the server (production mode, keys required) answers; a refusal always carries
 * `extensions.code`; nothing is an unexpected internal error; no stack trace or SQL is ever shown.
 */
const PRODUCTION = { NODE_ENV: 'production', AUTH_MODE: 'required', RATE_LIMIT_MAX: '0' };
const IN_PROCESS_RUNS = 10_000;
const HTTP_RUNS = 500;

const FIELDS = [
  'templates', 'template', 'templateByName', 'categories', 'createTemplate', 'updateTemplate', 'deleteTemplate',
  'restoreTemplateVersion', 'renderTemplate', 'edges', 'node', 'cursor', 'pageInfo', 'hasNextPage', 'endCursor',
  'totalCount', 'id', 'name', 'description', 'category', 'content', 'variables', 'version', 'versions', 'isActive',
  'createdAt', 'required', 'defaultValue', 'rendered', 'count', '__typename', '__schema', '__type', 'types', 'fields',
];
const ARGS = ['id', 'name', 'first', 'after', 'filter', 'orderBy', 'input', 'variables', 'strict', 'version', 'idempotencyKey', 'x'];
const TYPES = ['String', 'String!', 'Int', 'ID!', 'JSON', 'Boolean', '[String!]', 'CreateTemplateInput!', 'TemplateFilter', 'Nope'];

const ident = fc.oneof(fc.constantFrom(...FIELDS), fc.stringMatching(/^[_A-Za-z][_0-9A-Za-z]{0,12}$/));
const gqlString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', 'chain-of-thought', 'data', '{{ x }}', "'; DROP TABLE prompt_templates; --", '\\u0000', 'x'.repeat(6000)),
);
const literal: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => String(d)),
    gqlString.map((s) => JSON.stringify(s)),
    fc.constantFrom('true', 'false', 'null', 'ASC', 'DESC', 'NAME', 'CREATED_AT', '$v', '$first', '$input', '2147483648', '-1', '0'),
    fc.array(tie('value'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(ident, tie('value')), { maxLength: 3 }).map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
  ),
})).value;
const args = fc.array(fc.tuple(fc.constantFrom(...ARGS), literal), { maxLength: 3 }).map((a) => (a.length ? `(${a.map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''));
const directive = fc.constantFrom('', '@include(if: true)', '@skip(if: $v)', '@skip(if: false) @include(if: true)', '@deprecated', '@requiresScope(scope: ADMIN)', '@defer', '@stream(initialCount: 1)');
const selectionSet: fc.Arbitrary<string> = fc.letrec<{ set: string; field: string }>((tie) => ({
  field: fc
    .tuple(fc.option(ident, { nil: undefined }), ident, args, directive, fc.option(tie('set'), { nil: undefined, freq: 2 }))
    .map(([alias, name, a, d, sub]) => `${alias ? `${alias}: ` : ''}${name}${a} ${d} ${sub ?? ''}`),
  set: fc
    .array(fc.oneof({ depthSize: 'small' }, tie('field'), fc.constantFrom('...F', '... on Query { __typename }', '... on PromptTemplate { id }')), {
      minLength: 1,
      maxLength: 4,
    })
    .map((fs) => `{ ${fs.join(' ')} }`),
})).set;
const document = fc
  .tuple(
    fc.constantFrom('', 'query', 'mutation', 'subscription', 'query Q', 'mutation M'),
    fc.array(fc.tuple(fc.constantFrom('$v', '$first', '$input', '$x'), fc.constantFrom(...TYPES)), { maxLength: 2 }),
    selectionSet,
    fc.option(fc.tuple(fc.constantFrom('Query', 'PromptTemplate', 'Mutation', 'Nope'), selectionSet), { nil: undefined }),
  )
  .map(([op, vars, set, frag]) => {
    const defs = op && vars.length ? `(${vars.map(([n, t]) => `${n}: ${t}`).join(', ')})` : '';
    return `${op}${defs} ${set}${frag ? `\nfragment F on ${frag[0]} ${frag[1]}` : ''}`;
  });
const json = fc.jsonValue({ maxDepth: 14 });
const variables = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(fc.constantFrom('v', 'first', 'input', 'x', 'variables'), json, { maxKeys: 3 }),
  json,
  fc.record({ input: fc.record({ name: gqlString, category: gqlString, content: gqlString, variables: json }, { requiredKeys: [] }) }),
);

/** Valid operations with generated variables: these reach the resolvers, the services and PostgreSQL. */
const VALID = [
  'query($first: Int, $after: String, $filter: TemplateFilter, $orderBy: TemplateOrder) { templates(first: $first, after: $after, filter: $filter, orderBy: $orderBy) { totalCount edges { cursor node { id name content variables { name required defaultValue } versions { version } } } pageInfo { hasNextPage endCursor } } }',
  'query($name: String!) { templateByName(name: $name) { id name version } }',
  'query($id: ID!) { template(id: $id) { id versions { version content } } }',
  'mutation($name: String, $variables: JSON, $strict: Boolean) { renderTemplate(name: $name, variables: $variables, strict: $strict) { rendered usedVariables unknownVariables } }',
  'mutation($input: CreateTemplateInput!, $idempotencyKey: String) { createTemplate(input: $input, idempotencyKey: $idempotencyKey) { id name version } }',
  'mutation($id: ID!, $input: UpdateTemplateInput!) { updateTemplate(id: $id, input: $input) { id version } }',
  'mutation($id: ID!, $version: Int!) { restoreTemplateVersion(id: $id, version: $version) { version } }',
  '{ categories { category count } }',
];
const validRequest = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.record(
      {
        first: fc.oneof(fc.integer({ min: -5, max: 200 }), fc.constant(null)),
        after: fc.oneof(gqlString, fc.base64String({ maxLength: 60 })),
        filter: fc.record({ category: gqlString, search: gqlString, createdBy: gqlString, includeInactive: fc.boolean() }, { requiredKeys: [] }),
        orderBy: fc.record({ field: fc.constantFrom('CREATED_AT', 'UPDATED_AT', 'NAME', 'BOGUS'), direction: fc.constantFrom('ASC', 'DESC') }, { requiredKeys: [] }),
        name: fc.oneof(gqlString, fc.constantFrom('chain-of-thought', 'code-review', 'few-shot-examples')),
        id: fc.oneof(fc.uuid(), gqlString),
        variables: json,
        strict: fc.boolean(),
        version: fc.integer({ min: -2, max: 5 }),
        idempotencyKey: fc.oneof(gqlString, fc.constant(null)),
        input: fc.record(
          {
            name: fc.oneof(fc.stringMatching(/^[a-z0-9_-]{1,20}$/), gqlString),
            category: fc.constantFrom('data', 'development', 'nope'),
            content: fc.oneof(gqlString, fc.constantFrom('Hello {{ who }}', '{{a}}{{b}}', '\\{{ x }}')),
            description: gqlString,
            variables: fc.array(fc.record({ name: fc.constantFrom('who', 'a', 'b', 'x', '1bad'), required: fc.boolean(), defaultValue: json }, { requiredKeys: ['name'] }), { maxLength: 3 }),
          },
          { requiredKeys: ['name', 'category', 'content'] },
        ),
      },
      { requiredKeys: [] },
    ),
  )
  .map(([query, v]) => JSON.stringify({ query, variables: v }));

interface Sent {
  body: string;
  headers: Record<string, string>;
}
const request = (key: string): fc.Arbitrary<Sent> =>
  fc.oneof(
    // Documents and variables shaped like GraphQL.
    { weight: 8, arbitrary: fc.tuple(document, variables, fc.option(fc.constantFrom('Q', 'M', 'nope'), { nil: undefined })).map(([query, v, operationName]) => ({ body: JSON.stringify({ query, variables: v, operationName }), headers: {} })) },
    { weight: 4, arbitrary: validRequest.map((body) => ({ body, headers: {} })) },
    // Arbitrary text as the document.
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }).map((query) => ({ body: JSON.stringify({ query }), headers: {} })) },
    // Arbitrary JSON, or broken JSON, as the body.
    { weight: 1, arbitrary: fc.oneof(json.map((j) => JSON.stringify(j)), fc.string({ maxLength: 100 })).map((body) => ({ body, headers: {} })) },
    // Batches.
    { weight: 1, arbitrary: fc.array(document.map((query) => ({ query })), { maxLength: 7 }).map((ops) => ({ body: JSON.stringify(ops), headers: {} })) },
  ).chain((sent) =>
    fc
      .tuple(
        fc.constantFrom<Record<string, string>>(
          { authorization: `Bearer ${key}` },
          { authorization: `Bearer ${key}` },
          { 'x-api-key': key },
          {},
          { authorization: 'Bearer ptk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
          { authorization: 'Basic Zm9vOmJhcg==' },
        ),
        fc.constantFrom('application/json', 'application/json', 'application/graphql+json', 'text/plain', 'application/x-www-form-urlencoded', 'application/graphql'),
      )
      .map(([auth, contentType]) => ({ body: sent.body, headers: { ...auth, 'content-type': contentType } })),
  );

const LEAKS = [/\n\s+at\s/, /"stack"/, /\bSELECT\b[\s\S]*\bFROM\b/i, /INSERT INTO/i, /syntax error at or near/i, /relation "/i, /node_modules/, /\.ts:\d+/];

/** Checks one answer; returns a description of what is wrong, or null. */
function problem(sent: Sent, status: number, text: string): string | null {
  if (status >= 500) return `status ${status}`;
  const leaks = (shown: string) => LEAKS.find((leak) => leak.test(shown) && !leak.test(sent.body));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (leaks(text)) return `leaks ${leaks(text)}`;
    return text.length === 0 && (status === 405 || status === 406 || status === 415) ? null : `not JSON: ${text.slice(0, 80)}`;
  }
  const results = Array.isArray(parsed) ? parsed : [parsed];
  // Data may hold anything stored (seeded templates contain SQL); errors and extensions must not leak.
  const shown = JSON.stringify(results.map((r) => ({ errors: r?.errors, extensions: r?.extensions })));
  if (leaks(shown)) return `leaks ${leaks(shown)}`;
  for (const r of results as { errors?: { extensions?: { code?: unknown } }[] }[]) {
    for (const e of r?.errors ?? []) {
      const code = e.extensions?.code;
      if (typeof code !== 'string') return `error without a code: ${JSON.stringify(e).slice(0, 200)}`;
      if (code === 'INTERNAL_SERVER_ERROR') return `unexpected error: ${JSON.stringify(e).slice(0, 200)}`;
    }
  }
  if (status >= 400 && !results.some((r) => (r as { errors?: unknown[] })?.errors?.length)) return `status ${status} without errors`;
  return null;
}

describe('fuzz', () => {
  let app: TestApp;
  let key: string;
  beforeAll(async () => {
    app = await createTestApp({ env: PRODUCTION, seed: true });
    key = (await createApiKey(app.deps.db, { name: 'fuzz', scopes: ['admin'] })).key;
  });
  afterAll(async () => {
    await app?.close();
  });

  it(`answers ${IN_PROCESS_RUNS} generated requests in production mode with coded refusals only`, async () => {
    let executed = 0;
    await fc.assert(
      fc.asyncProperty(request(key), async (sent) => {
        const res = await app.yoga.fetch('http://test/graphql', { method: 'POST', headers: sent.headers, body: sent.body });
        const text = await res.text();
        if (res.status === 200 && text.includes('"data":{')) executed += 1;
        const p = problem(sent, res.status, text);
        if (p) throw new Error(`${p}\nrequest: ${sent.body.slice(0, 500)}\nheaders: ${JSON.stringify(sent.headers)}\nresponse ${res.status}: ${text.slice(0, 500)}`);
      }),
      { numRuns: IN_PROCESS_RUNS, seed: Number(process.env.FUZZ_SEED ?? 7), endOnFailure: true },
    );
    // Some of the generated operations are valid and run all the way to the database.
    expect(executed).toBeGreaterThan(50);
  }, 300_000);
});

describe('fuzz over HTTP', () => {
  let running: RunningApp;
  let drop: () => Promise<void>;
  let key: string;
  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    const config = loadConfig({ ...PRODUCTION, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database.url });
    running = await startApp(config, createLogger('silent'));
    key = (await createApiKey(running.deps.db, { name: 'fuzz', scopes: ['read', 'write'] })).key;
  });
  afterAll(async () => {
    await running?.close(1_000);
    await drop?.();
  });

  it(`answers ${HTTP_RUNS} generated requests to a listening server and stays up`, async () => {
    await fc.assert(
      fc.asyncProperty(request(key), async (sent) => {
        const res = await fetch(`${running.url}/graphql`, { method: 'POST', headers: sent.headers, body: sent.body });
        const text = await res.text();
        const p = problem(sent, res.status, text);
        if (p) throw new Error(`${p}\nrequest: ${sent.body.slice(0, 500)}\nresponse ${res.status}: ${text.slice(0, 500)}`);
      }),
      { numRuns: HTTP_RUNS, seed: Number(process.env.FUZZ_SEED ?? 11), endOnFailure: true },
    );
    const health = await fetch(`${running.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ categories { category } }' }),
    });
    expect(health.status).toBe(200);
  }, 120_000);
});
