import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { buildSchema, getOperationAST, getVariableValues, GraphQLError, parse, parseValue, print, type GraphQLSchema } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { warnIfCacheOutgrowsHeap } from '../src/app.ts';
import { createMaskError } from '../src/plugins/error-policy.ts';
import { loadConfig } from '../src/config.ts';
import type { Logger } from '../src/logger.ts';
import { callerFromStack, StatementCallerPlugin, UNATTRIBUTED } from '../src/db/statement-caller.ts';
import { acceptRequestId } from '../src/observability/request-context.ts';
import { percentile, RequestStats } from '../src/observability/request-stats.ts';
import { normaliseSql, StatementStats } from '../src/observability/statement-stats.ts';
import { DateTimeScalar, ISO_OF_TIME_MAX, parseDateTime } from '../src/lib/date-time.ts';
import { JSONScalar } from '../src/lib/json-scalar.ts';
import { isoStringOfTime } from '../src/lib/iso-time.ts';
import { needsReferenceExecutor, variablesCoerce } from '../src/plugins/use-compiled-execution.ts';
import { chooseEncoding, useCompression } from '../src/plugins/use-compression.ts';
import { useReadiness } from '../src/plugins/use-readiness.ts';
import { useAdminRoutes } from '../src/plugins/use-auth.ts';
import type { Auth } from '../src/domains/auth/auth.ts';
import { applyInputLimits } from '../src/plugins/input-limits.ts';
import { createCostCache, operationCost } from '../src/plugins/use-query-limits.ts';
import { pathOf } from '../src/plugins/use-request-logging.ts';


// Watched, to count how often a DateTime is formatted; it still formats.
vi.mock('../src/lib/iso-time.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/lib/iso-time.ts')>();
  return { ...real, isoStringOfTime: vi.fn(real.isoStringOfTime) };
});

describe('normaliseSql', () => {
  it('keeps the shape of a statement and drops every value position', () => {
    expect(normaliseSql('select *\n  from "t" where "id" in ($1, $2, $3) and "x" = $4')).toBe('select * from "t" where "id" in (?…) and "x" = ?');
    expect(normaliseSql('select * from "t" where "id" in ($1)')).toBe('select * from "t" where "id" in (?)');
    expect(normaliseSql('insert into "t" ("a", "b") values ($1, $2), ($3, $4), ($5, $6)')).toBe('insert into "t" ("a", "b") values (?…), …');
  });
});

describe('StatementCallerPlugin', () => {
  it('names the issuing function, stops capturing stacks once warm, and recovers a new shape on its second run', async () => {
    const plugin = new StatementCallerPlugin({ warmAfter: 3 });
    const seen: string[] = [];
    const db = new Kysely<any>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      plugins: [plugin],
      log: (e) => {
        seen.push(plugin.callerOf(e.query, normaliseSql(e.query.sql)));
      },
    });
    async function findWidgets(ids: number[]) {
      return db.selectFrom('widgets').selectAll().where('id', 'in', ids).execute();
    }
    async function findGadgets() {
      return db.selectFrom('gadgets').selectAll().execute();
    }
    await findWidgets([1, 2]);
    expect(seen).toEqual(['findWidgets']);
    expect(plugin.capturing).toBe(true);
    for (let i = 0; i < 3; i++) await findWidgets([1, 2, 3, 4].slice(0, i + 2));
    expect(plugin.capturing).toBe(false);
    await findGadgets();
    await findGadgets();
    await findWidgets([4, 5]);
    expect(seen.slice(4)).toEqual([UNATTRIBUTED, 'findGadgets', 'findWidgets']);
  });

  it('prefers a repository frame and skips library and src/db frames', () => {
    const stack = [
      'Error',
      '    at StatementCallerPlugin.transformQuery (/app/src/db/statement-caller.ts:40:7)',
      '    at SelectQueryBuilder.execute (/app/node_modules/kysely/dist/x.js:1:1)',
      '    at Module.findTemplatesByIds (/app/src/domains/templates/templates.repository.ts:28:10)',
      '    at batch (/app/src/domains/templates/templates.loaders.ts:12:3)',
    ].join('\n');
    expect(callerFromStack(stack)).toBe('findTemplatesByIds');
    expect(callerFromStack(stack.replace('templates.repository.ts', 'other.ts'))).toBe('findTemplatesByIds');
    expect(callerFromStack('Error\n    at node:internal/x:1:1')).toBe('unknown');
  });
});

describe('StatementStats', () => {
  it('aggregates by shape, lists the slowest above a threshold and stays within its bound', () => {
    const s = new StatementStats(2);
    s.record('a', 'fa', 10, false);
    s.record('a', 'fa', 30, true);
    s.record('b', 'fb', 5, false);
    expect(s.slowest(20, 10)).toEqual([{ statement: 'a', repositoryFunction: 'fa', calls: 2, errors: 1, totalMs: 40, maxMs: 30, meanMs: 20 }]);
    s.record('c', 'fc', 1, false);
    expect(s.size).toBe(2);
    expect(s.slowest(0, 10).map((e) => e.statement).sort()).toEqual(['b', 'c']);
    expect(() => new StatementStats(0)).toThrow(/positive integer, got 0/);
  });
});

describe('RequestStats', () => {
  it('computes rates, percentiles, error rate and statements per request from what it recorded', () => {
    let now = 1_000_000;
    const r = new RequestStats({ sampleSize: 4, slowRequestMs: 100, now: () => now });
    now += 10_000;
    for (const [d, failed, st] of [[10, false, 1], [20, false, 2], [150, true, 3], [40, false, 2], [30, false, 4]] as const) {
      r.record({ durationMs: d, failed, statements: st });
    }
    const s = r.snapshot();
    expect(s.requests).toBe(5);
    expect(s.slowRequests).toBe(1);
    expect(s.errorRate).toBeCloseTo(1 / 5);
    expect(s.requestsPerSecond.oneMinute).toBeCloseTo(5 / 10); // ten seconds since start
    expect(s.latencyMs).toEqual({ p50: 30, p95: 150, p99: 150 }); // the latest four: 20, 150, 40, 30
    expect(s.statementsPerRequest).toEqual({ mean: 11 / 4, max: 4, requests: 4 });
    now += 16 * 60_000;
    expect(r.snapshot().requestsPerSecond.fifteenMinutes).toBe(0);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('chooseEncoding and acceptRequestId', () => {
  it('prefers brotli, honours q=0 and wildcards', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip;q=1, br;q=0.5')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('*')).toBe('br');
    expect(chooseEncoding('identity')).toBeUndefined();
    expect(chooseEncoding(null)).toBeUndefined();
  });

  it('accepts short plain request ids only', () => {
    expect(acceptRequestId('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(acceptRequestId('has space')).toBeUndefined();
    expect(acceptRequestId('x'.repeat(129))).toBeUndefined();
    expect(acceptRequestId(null)).toBeUndefined();
  });
});

describe('memory bounds of npm start', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts: { start: string; prestart: string; build: string };
  };

  it('runs the service compiled (built first: no TypeScript compiler in memory) with a bounded heap', () => {
    const words = pkg.scripts.start.split(/\s+/);
    expect(words[0]).toBe('node');
    expect(words).not.toContain('--experimental-strip-types');
    expect(words).toContain('--max-old-space-size=256');
    expect(words.at(-1)).toBe('dist/src/main.js');
    expect(pkg.scripts.prestart).toContain('npm run build');
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
  });

  it('gives only flags the Node it runs on accepts (an unknown one stops node before the service starts)', () => {
    const flags = pkg.scripts.start.split(/\s+/).slice(1, -1);
    expect(flags).toContain('--heap-growing-percent=70');
    const run = spawnSync(process.execPath, [...flags, '-e', '0'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('loads the Redis client only when Redis is used', () => {
    // A fresh process: this one's module graph is whatever the other tests imported.
    const script = `
      import { createRequire } from 'node:module';
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => /[\\\\/]@(redis|keyv)[\\\\/]/.test(f)).length;
      await import(${JSON.stringify(new URL('../src/app.ts', import.meta.url).href)});
      const before = loaded();
      const { createRedisStore } = await import(${JSON.stringify(new URL('../src/cache/redis-store.ts', import.meta.url).href)});
      const store = createRedisStore('redis://127.0.0.1:1', 50);
      const after = loaded();
      await store.close();
      console.log(JSON.stringify({ before, after }));
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['--experimental-strip-types', '--no-warnings', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { before, after } = JSON.parse(run.stdout) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });

  it('warns when the in-process cache may take over a third of the heap, never with Redis', () => {
    const warnings: unknown[] = [];
    const logger = { warn: (o: unknown) => warnings.push(o) } as unknown as Logger;
    const limit = 300 * 1024 * 1024;
    expect(warnIfCacheOutgrowsHeap(loadConfig({ NODE_ENV: 'test' }), logger, limit)).toBe(false);
    const big = loadConfig({ NODE_ENV: 'test', CACHE_MAX_BYTES: String(200 * 1024 * 1024) });
    expect(warnIfCacheOutgrowsHeap(big, logger, limit)).toBe(true);
    expect(warnings).toEqual([{ cacheMaxBytes: 200 * 1024 * 1024, heapLimitBytes: limit }]);
    const shared = loadConfig({ NODE_ENV: 'test', CACHE_MAX_BYTES: String(200 * 1024 * 1024), REDIS_URL: 'redis://127.0.0.1:1' });
    expect(warnIfCacheOutgrowsHeap(shared, logger, limit)).toBe(false);
  });
});

describe('compiled execution', () => {
  it('compiles plain queries and mutations only; everything graphql-jit answers differently goes to the reference executor', () => {
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const cases: [query: string, reference: boolean, variables?: Record<string, unknown>][] = [
      ['{ templates(first: 1) { edges { node { id } } } }', false],
      ['mutation { deleteTemplate(id: "x") { id } }', false],
      ['mutation($v: JSON) { renderTemplate(name: "x", variables: $v) { rendered } }', false],
      ['query($id: ID!, $n: Int) { template(id: $id) { id } popularTemplates(limit: $n) { usageCount } }', false],
      // Incremental delivery and subscriptions.
      ['{ templates(first: 1) { edges @stream { node { id } } } }', true],
      ['subscription { x }', true],
      // Compiled forms are cached per document: one operation per compiled document.
      ['query A { categories { category } } query B { __typename }', true],
      // A variable inside a literal (graphql-jit drops it from custom scalars such as JSON).
      ['mutation($t: String) { renderTemplate(name: "x", variables: { task: $t }) { rendered } }', true],
      ['mutation($t: String) { renderTemplate(name: "x", variables: [$t]) { rendered } }', true, { t: 'a' }],
      ['query($a: String) { x(list: [$a]) }', true],
      // Inside an input object literal: compiled when the request gives the variable (null included), as
      // graphql-jit passes null for one left out, where the field should be absent or take its default.
      ['query($a: String) { templates(filter: { createdBy: $a }) { totalCount } }', false, { a: 'x' }],
      ['query($a: String) { templates(filter: { createdBy: $a }) { totalCount } }', false, { a: null }],
      ['query($a: String) { templates(filter: { createdBy: $a }) { totalCount } }', true, {}],
      ['query($a: String, $b: Boolean) { templates(filter: { category: $a, includeInactive: $b }) { totalCount } }', true, { a: 'x' }],
      // Lists of input objects, and of custom scalars, built from variables.
      ['mutation($n: String!) { createTemplates(inputs: [{ name: $n, category: "data", content: "x" }]) { id } }', false, { n: 'a' }],
      ['query($n: String!) { templates(filter: { search: $n }, orderBy: { field: NAME }) { totalCount } }', false, { n: 'a' }],
      // A nullable variable in a non-null input field with a default: the reference executor refuses null there.
      ['query($f: TemplateOrderField) { templates(orderBy: { field: $f }) { totalCount } }', true, { f: null }],
      ['query($f: TemplateOrderField!) { templates(orderBy: { field: $f }) { totalCount } }', false, { f: 'NAME' }],
      // Fragments (field order), variable defaults, input objects (their fields' defaults), unknown types.
      ['{ categories { ...F category } } fragment F on CategoryCount { count }', true],
      ['{ categories { ... on CategoryCount { count } } }', true],
      ['query($l: Int = 5) { popularTemplates(limit: $l) { usageCount } }', true],
      ['query($o: TemplateOrder) { templates(orderBy: $o) { totalCount } }', true],
      ['mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { id } }', true],
      ['query($x: NoSuchType) { __typename }', true],
    ];
    for (const [query, reference, variables] of cases) {
      expect(needsReferenceExecutor(parse(query), schema, variables), `${query} ${JSON.stringify(variables)}`).toBe(reference);
    }
  });

  it('decides whether variables coerce exactly as getVariableValues does, for every scalar and shape', () => {
    const schema = buildSchema(readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8'));
    const values: unknown[] = [
      'a', '', '12', 0, 7, -3, 1.5, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, NaN, Infinity,
      true, false, null, {}, { a: 1 }, [], ['a'], [1],
    ];
    const types = ['String', 'ID', 'Int', 'Float', 'Boolean', 'JSON', 'DateTime', 'TemplateOrderField', '[String!]'];
    let quick = 0;
    for (const type of types) {
      for (const nonNull of [false, true]) {
        const decl = `$v: ${type}${nonNull ? '!' : ''}, $s: String`;
        const operation = getOperationAST(parse(`query(${decl}) { __typename }`))!;
        for (const variables of [{}, { s: 'x' }, ...values.map((v) => ({ v, s: 'x' })), ...values.map((v) => ({ v, s: 1 }))]) {
          const expected = !getVariableValues(schema, operation.variableDefinitions!, variables).errors;
          expect(variablesCoerce(schema, operation, variables), `${decl} ${JSON.stringify(variables)}`).toBe(expected);
          if (expected && ['String', 'ID', 'Int', 'Float', 'Boolean'].includes(type)) quick++;
        }
      }
    }
    expect(quick).toBeGreaterThan(40);
  });
});

describe('error policy', () => {
  it('masks and logs what the executor says of a value a resolver returned (non-null, out of range), with or without a cause', () => {
    const logged: unknown[] = [];
    const logger = { error: (...a: unknown[]) => logged.push(a), warn: () => {} } as unknown as Logger;
    const mask = createMaskError({ logger: () => logger, maxBodyBytes: 1, maxBatch: 1 });
    const text = 'Cannot return null for non-nullable field Query.categories.';
    for (const error of [
      new GraphQLError(text, { path: ['categories'] }),
      new GraphQLError(text, { path: ['categories'], originalError: new Error(text) }),
      new GraphQLError('Int cannot represent non 32-bit signed integer value: 3000000000', { path: ['categories'] }),
    ]) {
      const out = mask(error, 'Unexpected error.', false) as GraphQLError;
      expect(out.message).toBe('Unexpected error.');
      expect(out.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(out.path).toEqual(['categories']);
    }
    expect(logged).toHaveLength(3);
  });
});

describe('JSON scalar', () => {
  it('passes values through, and reads literals as JSON values with variables in place', () => {
    const value = { a: [1, 'two', null, { b: true }] };
    expect(JSONScalar.serialize(value)).toBe(value);
    expect(JSONScalar.parseValue(value)).toBe(value);
    const literal = parseValue('{ n: -1.5e3, i: 42, s: "x", on: false, e: RED, list: [1, { deep: $v }], nothing: null, __proto__: { polluted: 1 } }');
    const read = JSONScalar.parseLiteral(literal, { v: { from: 'variable' } }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(read)).toBeNull();
    expect(JSON.parse(JSON.stringify(read))).toEqual({
      n: -1500, i: 42, s: 'x', on: false, e: 'RED', list: [1, { deep: { from: 'variable' } }], nothing: null, ['__proto__']: { polluted: 1 },
    });
    expect(Object.keys(read)).toContain('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSONScalar.parseLiteral(parseValue('[$missing]'), {})).toEqual([undefined]);
  });
});

describe('DateTime scalar', () => {
  it('serializes to the ISO string JSON gives a Date, from Dates, RFC 3339 strings and times in milliseconds', () => {
    const at = new Date('2026-11-28T09:14:43.123Z');
    expect(DateTimeScalar.serialize(at)).toBe(JSON.parse(JSON.stringify(at)));
    expect(DateTimeScalar.serialize(at)).toBe('2026-11-28T09:14:43.123Z');
    expect(DateTimeScalar.serialize('2026-11-28T10:14:43.123+01:00')).toBe('2026-11-28T09:14:43.123Z');
    expect(DateTimeScalar.serialize(at.getTime())).toBe('2026-11-28T09:14:43.123Z');
    expect(() => DateTimeScalar.serialize(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(() => DateTimeScalar.serialize(1e20)).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize('2026-11-28')).toThrow(GraphQLError);
    expect(() => DateTimeScalar.serialize({})).toThrow(GraphQLError);
    expect(DateTimeScalar.name).toBe('DateTime');
  });

  it('reads RFC 3339 date-times only, each field within its range', () => {
    const at = new Date('2026-11-28T09:14:43.123Z');
    expect(DateTimeScalar.parseValue('2026-11-28T09:14:43.123Z')).toEqual(at);
    expect(DateTimeScalar.parseValue('2026-11-28t10:14:43.123456789+01:00')).toEqual(at);
    expect(DateTimeScalar.parseValue('2026-11-28T04:44:43.123-04:30')).toEqual(at);
    expect(DateTimeScalar.parseValue('2024-02-29T00:00:00z')).toEqual(new Date('2024-02-29T00:00:00Z'));
    expect(DateTimeScalar.parseValue('2000-02-29T23:59:59Z')).toEqual(new Date('2000-02-29T23:59:59Z'));
    expect(DateTimeScalar.parseValue(at)).toBe(at);
    for (const bad of [
      'yesterday',
      '2026-11-28',
      '2026-11-28 09:14:43Z', // a space for the T
      '2026-11-28T09:14:43', // no offset
      '2026-11-28T09:14Z',
      '2026-02-29T00:00:00Z', // not a leap year
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-11-00T00:00:00Z',
      '2026-11-28T24:00:00Z',
      '2026-11-28T09:60:00Z',
      '2026-12-31T23:59:60Z', // a leap second, which a Date cannot hold
      '2026-11-28T09:14:43+24:00',
      '2026-11-28T09:14:43+01:60',
      '2026-11-28T09:14:43.Z',
      ' 2026-11-28T09:14:43Z',
    ]) {
      expect(parseDateTime(bad), bad).toBeUndefined();
      expect(() => DateTimeScalar.parseValue(bad), bad).toThrow(/expected an RFC 3339 date-time/);
    }
    expect(() => DateTimeScalar.parseValue(1_764_321_283_123)).toThrow(GraphQLError);
    expect(() => DateTimeScalar.parseValue(new Date(Number.NaN))).toThrow(/invalid Date/);
    expect(DateTimeScalar.parseLiteral(parseValue('"2026-11-28T09:14:43.123Z"'), {})).toEqual(at);
    expect(() => DateTimeScalar.parseLiteral(parseValue('1764321283123'), {})).toThrow(/non-string literal/);
    expect(() => DateTimeScalar.parseLiteral(parseValue('"2026-02-30T00:00:00Z"'), {})).toThrow(/2026-02-30T00:00:00Z/);
    // The client's value is quoted in the message, cut short when long.
    expect(() => DateTimeScalar.parseValue(`2026-11-28T09:14:43Z${'x'.repeat(10_000)}`)).toThrow(
      new RegExp(`^DateTime cannot represent "2026-11-28T09:14:43Zx{42}…: expected an RFC 3339`),
    );
  });

  it("formats a frozen Date (a cached row's) once, and again only when its time was changed", () => {
    const toIso = vi.mocked(isoStringOfTime);
    toIso.mockClear();
    try {
      const cached = Object.freeze(new Date('2026-11-28T09:14:43.123Z'));
      expect(DateTimeScalar.serialize(cached)).toBe('2026-11-28T09:14:43.123Z');
      expect(DateTimeScalar.serialize(cached)).toBe('2026-11-28T09:14:43.123Z');
      expect(toIso).toHaveBeenCalledTimes(1);
      cached.setTime(Date.parse('2026-11-29T00:00:00.000Z'));
      expect(DateTimeScalar.serialize(cached)).toBe('2026-11-29T00:00:00.000Z');
      expect(DateTimeScalar.serialize(cached)).toBe('2026-11-29T00:00:00.000Z');
      expect(toIso).toHaveBeenCalledTimes(2);
      // A Date that is not frozen (a row just read) is formatted on every call, and an invalid one still refused.
      const fresh = new Date('2026-11-28T09:14:43.123Z');
      DateTimeScalar.serialize(fresh);
      DateTimeScalar.serialize(fresh);
      expect(toIso).toHaveBeenCalledTimes(4);
      expect(() => DateTimeScalar.serialize(Object.freeze(new Date(Number.NaN)))).toThrow(/invalid Date/);
    } finally {
      toIso.mockClear();
    }
  });

  it('keeps the strings of at most ISO_OF_TIME_MAX times, emptied when full', () => {
    const toIso = vi.mocked(isoStringOfTime);
    toIso.mockClear();
    try {
      const base = Date.parse('2031-01-01T00:00:00.000Z');
      const first = Object.freeze(new Date(base));
      DateTimeScalar.serialize(first);
      DateTimeScalar.serialize(Object.freeze(new Date(base))); // another Date of the same time: known
      expect(toIso).toHaveBeenCalledTimes(1);
      for (let i = 1; i <= ISO_OF_TIME_MAX; i++) DateTimeScalar.serialize(Object.freeze(new Date(base + i)));
      expect(toIso).toHaveBeenCalledTimes(1 + ISO_OF_TIME_MAX);
      // Full on the way: emptied, so the first time is formatted again, right.
      expect(DateTimeScalar.serialize(first)).toBe('2031-01-01T00:00:00.000Z');
      expect(toIso).toHaveBeenCalledTimes(2 + ISO_OF_TIME_MAX);
    } finally {
      toIso.mockClear();
    }
  });
});

describe('input limits', () => {
  const limits = { maxStringChars: 5, maxTextChars: 10, maxJsonBytes: 40, maxJsonDepth: 2 };
  const build = () =>
    applyInputLimits(
      buildSchema(`
        directive @longText on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
        scalar JSON
        enum Role { USER ASSISTANT }
        input Node { label: String, body: String @longText, data: JSON, children: [Node!], role: Role }
        input Numbers { n: Int, f: Float }
        type Query {
          one(name: String, text: String @longText, id: ID): String
          tree(node: Node): String
          names(names: [String]): String
          plain(first: Int, role: Role, numbers: Numbers): String
          none: String
        }
      `),
      limits,
    );
  const call = (schema: GraphQLSchema, field: string, args: Record<string, unknown>) => {
    const f = schema.getQueryType()!.getFields()[field]!;
    return f.resolve!({ [field]: 'ok' }, args, {}, { fieldName: field } as never);
  };
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as GraphQLError).extensions;
    }
    return undefined;
  };

  it('bounds strings and long text by their own limits, naming the argument', () => {
    const schema = build();
    expect(call(schema, 'one', { name: 'abcde', text: 'abcdefghij', id: 'x' })).toBe('ok');
    expect(refusal(() => call(schema, 'one', { name: 'abcdef' }))).toMatchObject({
      code: 'LIMIT_EXCEEDED', limit: 'INPUT_MAX_STRING_CHARS', max: 5, field: 'Query.one(name)',
    });
    expect(refusal(() => call(schema, 'one', { text: 'abcdefghijk' }))).toMatchObject({ limit: 'INPUT_MAX_TEXT_CHARS', max: 10 });
    expect(refusal(() => call(schema, 'one', { id: '123456' }))).toMatchObject({ field: 'Query.one(id)' });
    expect(refusal(() => call(schema, 'names', { names: ['ab', null, 'abcdefg'] }))).toMatchObject({ field: 'Query.names(names)' });
  });

  it('walks input objects, lists of them and recursive ones, naming the input field', () => {
    const schema = build();
    const deep = { label: 'a', children: [{ label: 'b', children: [{ body: 'abcdefghij', children: [{ label: 'toolong' }] }] }] };
    expect(refusal(() => call(schema, 'tree', { node: deep }))).toMatchObject({ limit: 'INPUT_MAX_STRING_CHARS', field: 'Node.label' });
    deep.children[0]!.children[0]!.children[0]!.label = 'short';
    expect(call(schema, 'tree', { node: deep })).toBe('ok');
    expect(refusal(() => call(schema, 'tree', { node: { children: [{ body: 'x'.repeat(11) }] } }))).toMatchObject({
      limit: 'INPUT_MAX_TEXT_CHARS', field: 'Node.body',
    });
  });

  it('bounds JSON by depth and by size', () => {
    const schema = build();
    expect(call(schema, 'tree', { node: { data: { a: [1] } } })).toBe('ok');
    expect(refusal(() => call(schema, 'tree', { node: { data: { a: { b: {} } } } }))).toMatchObject({ limit: 'INPUT_MAX_JSON_DEPTH', field: 'Node.data' });
    expect(refusal(() => call(schema, 'tree', { node: { data: { a: 'x'.repeat(40) } } }))).toMatchObject({ limit: 'INPUT_MAX_JSON_BYTES' });
  });

  it('leaves the resolvers of fields with nothing to bound (numbers, enums, no arguments) unwrapped', () => {
    // buildSchema leaves every resolver unset (the default resolver); a wrapped field gets one.
    const fields = build().getQueryType()!.getFields();
    expect(fields['plain']!.resolve).toBeUndefined();
    expect(fields['none']!.resolve).toBeUndefined();
    expect(fields['one']!.resolve).toBeTypeOf('function');
    expect(fields['tree']!.resolve).toBeTypeOf('function');
  });
});

describe('query cost', () => {
  const schema = buildSchema(`
    type Item { id: ID, tags(first: Int): [String] }
    type Page { items: [Item] }
    type Query { page(first: Int): Page, one: Item }
  `);
  const pagination = { defaultSize: 20, maxSize: 100 };
  const doc = parse(`
    query A($n: Int, $m: Int) { page(first: $n) { items { id tags(first: $m) } } }
    query B { one { id tags(first: 3) } }
  `);

  it('is computed once per document, operation and page sizes, and equals the full walk for each', () => {
    const compute = vi.fn(operationCost);
    const costOf = createCostCache(pagination, compute);
    const cases: [string, Record<string, unknown>][] = [
      ['A', { n: 10, m: 2 }],
      ['A', { n: 10, m: 2 }],
      ['A', { n: 10.9, m: 2 }], // the resolvers truncate: the same page size
      ['A', { n: 500, m: 2 }],
      ['A', { n: 100, m: 2 }], // the cap: the same as 500
      ['A', { m: 2 }],
      ['A', { n: null, m: 2 }], // the default: the same as absent
      ['A', { n: 10, m: 5 }],
      ['B', { n: 10, m: 5 }],
    ];
    for (const [op, vars] of cases) expect(costOf(schema, doc, op, vars)).toBe(operationCost(schema, doc, op, vars, pagination));
    // Distinct keys: A 10/2, 100/2, 20/2, 10/5 and B.
    expect(compute).toHaveBeenCalledTimes(5);
    // page 1, and 10 times: items 1 + its id and tags 2 (a list of scalars has nothing below it to multiply).
    expect(costOf(schema, doc, 'A', { n: 10, m: 2 })).toBe(1 + 10 * (1 + 2));
    // Another parse of the same text is another document: computed for it, not taken from the first.
    costOf(schema, parse(print(doc)), 'A', { n: 10, m: 2 });
    expect(compute).toHaveBeenCalledTimes(6);
  });
});

describe('pathOf', () => {
  it('gives the path URL parsing gives, for the plain endpoint and for everything else', () => {
    const urls = [
      'http://localhost:4000/graphql',
      'http://localhost:4000/graphql?query=%7Bhello%7D',
      'https://api.example.com/graphql',
      'http://[::1]:4000/graphql',
      'http://localhost/graphql/',
      'http://localhost/graphqlx',
      'http://localhost/graphql/../graphql',
      'http://localhost/graph%71l',
      'http://localhost/graphql#part',
      'http://localhost/',
      'http://localhost',
      'http://localhost/metrics',
      'http://localhost/export/templates?format=ndjson',
      'http://localhost/a/graphql',
    ];
    for (const url of urls) expect([url, pathOf(url, '/graphql')]).toEqual([url, new URL(url).pathname]);
  });
});

describe('HTTP hooks on the hot path', () => {
  const hookArgs = (path: string, method: string, headers: Record<string, string> = {}) => {
    const request = new Request(`http://localhost${path}`, { method, headers, ...(method === 'POST' ? { body: '{}' } : {}) });
    return { request, url: new URL(request.url), endResponse: vi.fn(), fetchAPI: { Response } };
  };

  it('readiness answers its own path and lets every other request pass without a promise', async () => {
    const check = vi.fn(async () => ({ ready: true, checks: {} }));
    const onRequest = useReadiness({ path: '/ready', check: check as never }).onRequest as (a: unknown) => unknown;
    expect(onRequest(hookArgs('/graphql', 'POST'))).toBeUndefined();
    expect(onRequest(hookArgs('/ready', 'POST'))).toBeUndefined();
    expect(check).not.toHaveBeenCalled();
    const args = hookArgs('/ready', 'GET');
    await onRequest(args);
    expect(args.endResponse).toHaveBeenCalledOnce();
    expect((args.endResponse.mock.calls[0]![0] as Response).status).toBe(200);
  });

  it('compression leaves a response it does not compress without a promise, and compresses the others', async () => {
    const onResponse = useCompression({ minBytes: 10 }).onResponse as (a: unknown) => unknown;
    const big = 'x'.repeat(1000);
    const run = (headers: Record<string, string>) => {
      const { request } = hookArgs('/graphql', 'POST', headers);
      const response = new Response(big, { headers: { 'content-type': 'application/json' } });
      const setResponse = vi.fn();
      return { out: onResponse({ request, response, setResponse, fetchAPI: { Response, Headers } }), setResponse };
    };
    const plain = run({});
    expect(plain.out).toBeUndefined();
    expect(plain.setResponse).not.toHaveBeenCalled();
    const gzipped = run({ 'accept-encoding': 'gzip' });
    expect(gzipped.out).toBeInstanceOf(Promise);
    await gzipped.out;
    const sent = gzipped.setResponse.mock.calls[0]![0] as Response;
    expect(sent.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await sent.arrayBuffer())).toString()).toBe(big);
  });

  it('the admin guard lets requests outside its prefixes pass without a promise', async () => {
    const auth = { mode: 'required' } as unknown as Auth;
    const onRequest = useAdminRoutes(auth, ['/metrics']).onRequest as (a: unknown) => unknown;
    expect(onRequest(hookArgs('/graphql', 'POST'))).toBeUndefined();
  });

  it("compression leaves the body of a response to a client that accepts no encoding unread", () => {
    const onResponse = useCompression({ minBytes: 10 }).onResponse as (a: unknown) => unknown;
    const response = new Response('x'.repeat(1000), { headers: { 'content-type': 'application/json' } });
    const body = vi.fn(() => null);
    Object.defineProperty(response, 'body', { get: body });
    expect(onResponse({ request: hookArgs('/graphql', 'POST').request, response, setResponse: vi.fn(), fetchAPI: { Response, Headers } })).toBeUndefined();
    expect(body).not.toHaveBeenCalled();
  });
});
