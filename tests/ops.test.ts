import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import type { CacheStatsSource } from '../src/observability/cache-stats.ts';
import { createServer, type Server } from '../src/server.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { metric } from './helpers/metrics.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';

const PAGE = /* GraphQL */ `
  query Page($first: Int) { templates(first: $first) { totalCount edges { node { id name content variables { name } } } } }
`;
const PERF = /* GraphQL */ `
  query Perf {
    performanceStats {
      generatedAt
      database {
        pool { total idle waiting max }
        slowQueriesSource
        slowQueries(limit: 50) { statement repositoryFunction count meanMs maxMs totalMs }
        statementsPerRequest { mean max requests }
      }
      cache { hitRatio keyCount hits misses errors byKind { kind hits misses errors hitRatio } }
      application {
        requests requestsPerSecond { oneMinute fiveMinutes fifteenMinutes }
        latencyMs { p50 p95 p99 } errorRate slowRequests uptimeSeconds
      }
      system { rssMb heapUsedMb cpuPercent loadAverage diskFreePercent }
    }
  }
`;

async function gql(server: TestServer, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const res = await server.post(query, variables, headers);
  return { res, body: (await res.json()) as { data?: any; errors?: any[] } };
}

describe('against a running server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { SLOW_QUERY_MS: '40', DB_POOL_MAX: '7' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('counts the statements of each request and reports them in performanceStats', async () => {
    // The first GraphQL request this server sees: one page statement and one count statement.
    const { body } = await gql(server, PAGE, { first: 5 });
    expect(body.errors).toBeUndefined();
    const perf = await gql(server, PERF);
    expect(perf.body.errors).toBeUndefined();
    const stats = perf.body.data.performanceStats;
    expect(stats.database.statementsPerRequest).toEqual({ mean: 2, max: 2, requests: 1 });
    expect(stats.database.pool.max).toBe(7);
    expect(stats.database.pool.total).toBeGreaterThanOrEqual(1);
    expect(stats.database.slowQueriesSource).toBe('SERVICE');
    expect(stats.application.requests).toBe(1);
    expect(stats.application.requestsPerSecond.oneMinute).toBeGreaterThan(0);
    expect(stats.application.latencyMs.p50).toBeGreaterThan(0);
    expect(stats.application.errorRate).toBe(0);
    // The cache was warmed at start (the categories list among what it loaded); its figures are the live ones.
    expect(stats.cache.errors).toBe(0);
    expect(stats.cache.misses).toBeGreaterThan(0);
    expect(stats.cache.byKind.map((k: { kind: string }) => k.kind)).toContain('categories');
    expect(stats.system.rssMb).toBeGreaterThan(0);
    expect(stats.system.heapUsedMb).toBeGreaterThan(0);
    expect(stats.system.loadAverage).toHaveLength(3);
    const log = server.logs.find((l) => l.msg === 'request' && l.operationName === 'Page');
    expect(log).toMatchObject({ statements: 2, operationType: 'query', status: 200, method: 'POST', path: '/graphql' });
  });

  it('lists a slow statement in slowQueries with its shape and caller, and logs it without values', async () => {
    async function sleepyReport() {
      return sql`select pg_sleep(${0.05}) as slept, ${'do-not-log-me'}::text as secret`.execute(server.app.deps.db);
    }
    await sleepyReport();
    await sleepyReport();
    const { body } = await gql(server, PERF);
    const slow = (body.data.performanceStats.database.slowQueries as any[]).find((q) => q.statement.includes('pg_sleep'));
    expect(slow).toMatchObject({ statement: 'select pg_sleep(?) as slept, ?::text as secret', repositoryFunction: 'sleepyReport', count: 2 });
    expect(slow.maxMs).toBeGreaterThanOrEqual(50);
    expect(slow.meanMs).toBeLessThanOrEqual(slow.maxMs);
    const logged = server.logs.filter((l) => l.msg === 'slow statement' && l.statement.includes('pg_sleep'));
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({ level: 40, repositoryFunction: 'sleepyReport' });
    expect(JSON.stringify(server.logs)).not.toContain('do-not-log-me');
  });

  it('falls back to its own timings when pg_stat_statements is installed but not preloaded', async () => {
    const preload = await sql<{ v: string }>`select current_setting('shared_preload_libraries') as v`.execute(server.app.deps.db);
    if (preload.rows[0]?.v.includes('pg_stat_statements')) {
      console.log('skipped: this PostgreSQL preloads pg_stat_statements, so there is no fallback to see');
      return;
    }
    await sql`create extension if not exists pg_stat_statements`.execute(server.app.deps.db);
    const { body } = await gql(server, PERF);
    expect(body.errors).toBeUndefined();
    expect(body.data.performanceStats.database.slowQueriesSource).toBe('SERVICE');
    expect(body.data.performanceStats.database.slowQueries.length).toBeGreaterThan(0);
  });

  it('rejects a slowQueries limit beyond SLOW_QUERIES_LIMIT_MAX', async () => {
    const { body } = await gql(server, '{ performanceStats { database { slowQueries(limit: 1000) { statement } } } }');
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('moves the Prometheus metrics when requests are made', async () => {
    const before = await (await fetch(`${server.url}/metrics`)).text();
    for (let i = 0; i < 3; i++) await gql(server, PAGE, { first: i + 1 }); // three pages, none cached yet
    await gql(server, 'query Broken { renderTemplate }'.replace('query Broken', 'mutation Broken'));
    await gql(server, 'mutation Bad { renderTemplate { rendered } }');
    await gql(server, 'query Unfinished { templates { totalCount }');
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    const after = await res.text();
    const page = { operationName: 'Page', operationType: 'query' };
    expect(metric(after, 'graphql_envelop_request_duration_count', page) - metric(before, 'graphql_envelop_request_duration_count', page)).toBe(3);
    expect(metric(after, 'graphql_envelop_request', page) - metric(before, 'graphql_envelop_request', page)).toBe(3);
    const bad = { operationName: 'Bad', code: 'BAD_USER_INPUT' };
    expect(metric(after, 'graphql_envelop_error_result', bad) - metric(before, 'graphql_envelop_error_result', bad)).toBe(1);
    // Errors carry the code the client was sent, including those graphql-yoga codes only as it answers.
    const invalid = { operationName: 'Broken', phase: 'validate', code: 'GRAPHQL_VALIDATION_FAILED' };
    expect(metric(after, 'graphql_envelop_error_result', invalid) - metric(before, 'graphql_envelop_error_result', invalid)).toBe(1);
    const unparsable = { operationName: 'Anonymous', phase: 'parse', code: 'GRAPHQL_PARSE_FAILED' };
    expect(metric(after, 'graphql_envelop_error_result', unparsable) - metric(before, 'graphql_envelop_error_result', unparsable)).toBe(1);
    const pageHttp = { ...page, method: 'POST', statusCode: '200' };
    expect(metric(after, 'graphql_yoga_http_duration_count', pageHttp) - metric(before, 'graphql_yoga_http_duration_count', pageHttp)).toBe(3);
    expect(metric(after, 'graphql_envelop_request_duration_sum', page)).toBeGreaterThan(metric(before, 'graphql_envelop_request_duration_sum', page));
    // Three pages: three findTemplatePageKeys and three countTemplates statements, named after their repository function.
    for (const fn of ['findTemplatePageKeys', 'countTemplates']) {
      const labels = { repository_function: fn, outcome: 'ok' };
      expect(metric(after, 'db_statement_duration_seconds_count', labels) - metric(before, 'db_statement_duration_seconds_count', labels)).toBe(3);
    }
    expect(metric(after, 'db_pool_connections', { state: 'max' })).toBe(7);
    expect(metric(after, 'db_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(metric(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(metric(after, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(after).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(after).toMatch(/^process_cpu_seconds_total \d/m);
    expect(after).toContain('graphql_yoga_http_duration_bucket');
  });

  it('returns a request id header, accepts a sane incoming one and logs with it', async () => {
    const fresh = await server.post(PAGE, { first: 1 });
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await server.post(PAGE, { first: 1 }, { 'x-request-id': 'trace-abc.123' });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    expect(server.logs.some((l) => l.reqId === 'trace-abc.123' && l.msg === 'request')).toBe(true);
    const insane = await server.post(PAGE, { first: 1 }, { 'x-request-id': `bad id ${'x'.repeat(200)}` });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('never logs variable values, documents or query strings', async () => {
    await gql(server, 'mutation R($v: JSON) { renderTemplate(name: "nope", variables: $v) { rendered } }', {
      v: { apiKey: 'sk-live-SECRET-1', note: 'SECRET-2' },
    });
    await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ templateByName(name: "SECRET-3") { id } }')}`, {
      headers: { accept: 'application/json' },
    });
    const text = JSON.stringify(server.logs);
    expect(text).not.toMatch(/SECRET-\d/);
    expect(server.logs.some((l) => l.msg === 'request' && l.method === 'GET' && l.path === '/graphql')).toBe(true);
  });

  it('answers /health', async () => {
    const res = await fetch(`${server.url}/health`);
    expect(res.status).toBe(200);
  });
});

/** Raw HTTP (fetch would decode): returns status, headers and the undecoded body. */
function rawPost(url: string, body: string, acceptEncoding?: string) {
  return new Promise<{ status: number; headers: Record<string, any>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('compression', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { COMPRESSION_MIN_BYTES: '1024' } });
    const db = server.app.deps.db;
    // 100 templates shaped like real prompts: a few hundred bytes of instructions each.
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(Array.from({ length: 10 }, (_, i) => gql(server, `mutation C($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`, {
        input: {
          name: `review-${batch}-${i}`,
          category: 'quality',
          description: `Reviews a change for correctness, security and style (${batch}.${i})`,
          content: `You are a senior reviewer. Review the following {{ language }} change for correctness, security issues, performance problems and readability. Point out each problem with the line it is on, explain why it matters and suggest a fix. Be concise.\n\n{{ diff }}\n\nFocus: {{ focus }}`,
          variables: [{ name: 'language', required: false, defaultValue: 'TypeScript' }, { name: 'diff' }, { name: 'focus', required: false, defaultValue: 'bugs' }],
        },
      })));
    }
    const n = await db.selectFrom('prompt_templates').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(100);
  });
  afterAll(async () => {
    await server?.close();
  });

  const page = JSON.stringify({ query: '{ templates(first: 100) { edges { cursor node { id name description category content version createdAt variables { name required defaultValue } } } } }' });

  it('compresses a 100-template page with brotli and gzip to the same JSON', async () => {
    const plain = await rawPost(server.url, page);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const json = JSON.parse(plain.body.toString('utf8'));
    expect(json.data.templates.edges).toHaveLength(100);

    const br = await rawPost(server.url, page, 'gzip, deflate, br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(JSON.parse(brotliDecompressSync(br.body).toString('utf8'))).toEqual(json);

    const gz = await rawPost(server.url, page, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(gz.body).toString('utf8'))).toEqual(json);

    expect(br.body.byteLength).toBeLessThan(plain.body.byteLength / 4);
    expect(gz.body.byteLength).toBeLessThan(plain.body.byteLength / 4);
    console.log(`100-template page: ${plain.body.byteLength} B plain, ${gz.body.byteLength} B gzip (${pct(gz.body.byteLength, plain.body.byteLength)}), ${br.body.byteLength} B brotli (${pct(br.body.byteLength, plain.body.byteLength)})`);
  });

  it('sends text outside ASCII as UTF-8, its Content-Length counting bytes', async () => {
    const description = `Révision — 日本語 ${'é'.repeat(40)} 🚀`;
    const content = 'Prüfe {{ code }} gründlich ✓';
    const created = await gql(server, `mutation C($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }`, {
      input: { name: 'utf8-review', category: 'quality', description, content, variables: [{ name: 'code' }] },
    });
    expect(created.body.errors).toBeUndefined();
    const res = await rawPost(server.url, JSON.stringify({ query: '{ templateByName(name: "utf8-review") { description content } }' }));
    expect(res.status).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(res.body.byteLength);
    expect(res.body.byteLength).toBeGreaterThan(res.body.toString('utf8').length);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ data: { templateByName: { description, content } } });
    expect(res.headers['content-type']).toMatch(/^application\/(graphql-response\+)?json; charset=utf-8$/);
  });

  it('leaves small responses, refused encodings and identity requests alone', async () => {
    const small = await rawPost(server.url, JSON.stringify({ query: '{ categories { category } }' }), 'br, gzip');
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8')).data.categories).toBeDefined();
    expect(Number(small.headers['content-length'])).toBe(small.body.byteLength);
    expect(small.headers.vary).toMatch(/accept-encoding/i);
    const refused = await rawPost(server.url, page, 'br;q=0, gzip;q=0');
    expect(refused.headers['content-encoding']).toBeUndefined();
    const gzipOnly = await rawPost(server.url, page, 'br;q=0, *');
    expect(gzipOnly.headers['content-encoding']).toBe('gzip');
  });
});

function pct(part: number, whole: number): string {
  return `${(100 * (1 - part / whole)).toFixed(1)}% smaller`;
}

describe('/ready', () => {
  let proxy: TcpProxy;
  let server: TestServer;
  beforeAll(async () => {
    const admin = new URL(inject('adminDatabaseUrl'));
    proxy = await new TcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) }).start();
    const viaProxy = new URL(admin);
    viaProxy.host = `127.0.0.1:${proxy.port}`;
    viaProxy.pathname = '/DBNAME';
    server = await startTestServer({ databaseUrl: viaProxy.toString(), env: { READY_TIMEOUT_MS: '500', DB_CONNECT_TIMEOUT_MS: '500' } });
  });
  afterAll(async () => {
    await proxy?.restore();
    await server?.close();
    await proxy?.close();
  });

  async function ready() {
    const res = await fetch(`${server.url}/ready`);
    return { status: res.status, body: (await res.json()) as any };
  }

  it('is 200 while PostgreSQL answers, 503 while it is unreachable and 200 again after', async () => {
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: { ok: true }, cache: { ok: true } } } });
    await proxy.cut();
    const down = await ready();
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('unavailable');
    expect(down.body.checks.postgres.ok).toBe(false);
    expect(JSON.stringify(down.body)).not.toContain('postgres://');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // A query meanwhile fails with SERVICE_UNAVAILABLE; the cause is logged under the request id and counted.
    // (A template page: the categories list may be served from the warmed cache without PostgreSQL.)
    const failed = await server.post('query Cats { templates(first: 1) { totalCount } }');
    const body = (await failed.json()) as any;
    expect(body.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    const reqId = failed.headers.get('x-request-id');
    const logged = server.logs.find((l) => l.msg === 'database unavailable' && l.reqId === reqId);
    expect(logged?.level).toBe(40);
    expect(logged?.err?.message).toBeTruthy();
    expect(server.logs.find((l) => l.msg === 'request' && l.reqId === reqId)?.errorCodes).toEqual(['SERVICE_UNAVAILABLE']);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metric(metrics, 'graphql_envelop_error_result', { operationName: 'Cats', code: 'SERVICE_UNAVAILABLE' })).toBe(1);
    await proxy.restore();
    expect((await ready()).status).toBe(200);
  });

  it('is 503 when PostgreSQL accepts connections but never answers, and the pool is not left stuck', async () => {
    await proxy.blackhole();
    const hung = await ready();
    expect(hung.status).toBe(503);
    expect(hung.body.checks.postgres.error).toBe('no answer within 500 ms');
    await proxy.restore();
    expect((await ready()).status).toBe(200);
    const { body } = await gql(server, '{ categories { category } }');
    expect(body.errors).toBeUndefined();
  });
});

describe('with a cache and a slow-request threshold (in-process)', () => {
  let app: TestApp;
  let yoga: Server;
  const logs: Record<string, any>[] = [];
  let pingBehaviour: 'ok' | 'fail' | 'hang' = 'ok';
  const cache = {
    stats: () => ({
      hits: 30,
      misses: 10,
      errors: 1,
      hitRatio: 0.75,
      keyCount: 12,
      store: 'memory' as const,
      degraded: false,
      bypassed: 0,
      byKind: {
        templateById: { hits: 20, misses: 5, errors: 1, hitRatio: 0.8 },
        templateByName: { hits: 10, misses: 5, errors: 0, hitRatio: 2 / 3 },
      },
    }),
    ping: () =>
      pingBehaviour === 'ok' ? Promise.resolve('PONG') : pingBehaviour === 'fail' ? Promise.reject(new Error('ECONNREFUSED')) : new Promise(() => {}),
  };
  beforeAll(async () => {
    app = await createTestApp({ env: { SLOW_REQUEST_MS: '0', READY_TIMEOUT_MS: '300' } });
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
        done();
      },
    });
    yoga = createServer({ ...app.deps, observability: undefined, cache: { ...app.deps.cache, ...cache }, logger: createLogger("info", sink) });
  });
  afterAll(async () => {
    await app?.close();
  });

  const post = async (query: string) =>
    (await (await yoga.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as any;

  it('reports the cache in performanceStats and /metrics', async () => {
    const res = await post('{ performanceStats { cache { hitRatio keyCount hits misses errors byKind { kind hits misses errors hitRatio } } } }');
    expect(res.data.performanceStats.cache).toEqual({
      hitRatio: 0.75,
      keyCount: 12,
      hits: 30,
      misses: 10,
      errors: 1,
      byKind: [
        { kind: 'templateById', hits: 20, misses: 5, errors: 1, hitRatio: 0.8 },
        { kind: 'templateByName', hits: 10, misses: 5, errors: 0, hitRatio: 2 / 3 },
      ],
    });
    const text = await (await yoga.fetch('http://test/metrics')).text();
    expect(metric(text, 'cache_requests_total', { kind: 'templateById', result: 'hit' })).toBe(20);
    expect(metric(text, 'cache_requests_total', { kind: 'templateById', result: 'error' })).toBe(1);
    expect(metric(text, 'cache_requests_total', { kind: 'templateByName', result: 'miss' })).toBe(5);
    expect(metric(text, 'cache_keys')).toBe(12);
  });

  it('below the info level logs only slow requests, each with its request id', async () => {
    const quiet: Record<string, any>[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) quiet.push(JSON.parse(line));
        done();
      },
    });
    const serve = (slowRequestMs: number) =>
      createServer({
        ...app.deps,
        config: { ...app.deps.config, ops: { ...app.deps.config.ops, slowRequestMs } },
        observability: undefined,
        logger: createLogger('warn', sink),
      });
    const call = (server: Server, name: string) =>
      server.fetch('http://test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `query ${name} { __typename }` }) });
    const fast = await call(serve(60_000), 'Fast');
    expect(fast.status).toBe(200);
    const slowRes = await call(serve(0), 'Slow');
    expect(quiet.filter((l) => l.operationName === 'Fast')).toEqual([]);
    const slow = quiet.filter((l) => l.operationName === 'Slow');
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatchObject({ msg: 'slow request', level: 40, reqId: slowRes.headers.get('x-request-id') });
  });

  it('logs and counts requests slower than SLOW_REQUEST_MS', async () => {
    await post('query Cats { categories { category } }');
    const slow = logs.find((l) => l.msg === 'slow request' && l.operationName === 'Cats');
    expect(slow).toMatchObject({ level: 40, statements: 1, status: 200 });
    expect(slow?.reqId).toMatch(/^[0-9a-f-]{36}$/);
    const res = await post('{ performanceStats { application { slowRequests requests } } }');
    expect(res.data.performanceStats.application.slowRequests).toBe(res.data.performanceStats.application.requests);
    expect(res.data.performanceStats.application.requests).toBeGreaterThanOrEqual(2);
  });

  it('is not ready while the cache fails or hangs', async () => {
    const ready = async () => {
      const r = await yoga.fetch('http://test/ready');
      return { status: r.status, body: (await r.json()) as any };
    };
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', checks: { postgres: { ok: true }, cache: { ok: true } } } });
    pingBehaviour = 'fail';
    const failed = await ready();
    expect(failed.status).toBe(503);
    expect(failed.body.checks).toEqual({ postgres: { ok: true }, cache: { ok: false, error: 'ECONNREFUSED' } });
    pingBehaviour = 'hang';
    const hung = await ready();
    expect(hung.status).toBe(503);
    expect(hung.body.checks.cache).toEqual({ ok: false, error: 'no answer within 300 ms' });
    pingBehaviour = 'ok';
    expect((await ready()).status).toBe(200);
  });
});
