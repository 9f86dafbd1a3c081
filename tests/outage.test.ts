import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startApp, type RunningApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createTestDatabase } from './helpers/db.ts';
import { TcpProxy } from './helpers/tcp-proxy.ts';

/**
 * The service runs over HTTP on a PostgreSQL reached through a proxy the test controls; the proxy is cut (refused,
 * then black-holed) and restored in the middle of a stream of writes and reads.
 */
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let proxy: TcpProxy;
let app: RunningApp;
const ERROR_LATENCY_BOUND_MS = 2_000;

beforeAll(async () => {
  database = await createTestDatabase();
  const direct = new URL(database.url);
  proxy = await new TcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) }).start();
  const viaProxy = new URL(database.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const config = loadConfig({
    NODE_ENV: 'production',
    AUTH_MODE: 'off',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    SEED_TEMPLATES: 'false',
    DATABASE_URL: viaProxy.toString(),
    DB_CONNECT_TIMEOUT_MS: '500',
    DB_STATEMENT_TIMEOUT_MS: '1000',
  });
  app = await startApp(config, createLogger('silent'));
});
afterAll(async () => {
  await app?.close(1_000);
  await proxy?.close();
  await database?.drop();
});

interface Outcome {
  ok: boolean;
  id?: string;
  codes: string[];
  ms: number;
  body: string;
}

let seq = 0;
async function send(kind: 'write' | 'read'): Promise<Outcome> {
  const query =
    kind === 'write'
      ? 'mutation($i: CreateTemplateInput!) { createTemplate(input: $i) { id } }'
      : // A fresh id misses the cache, so the read also goes through a loader's read-through to PostgreSQL.
        'query($id: ID!) { templates(first: 1) { totalCount } template(id: $id) { id } }';
  const variables = kind === 'write' ? { i: { name: `w-${++seq}`, category: 'data', content: 'x' } } : { id: randomUUID() };
  const start = performance.now();
  const res = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.text();
  const ms = performance.now() - start;
  const json = JSON.parse(body) as { data?: any; errors?: { extensions?: { code?: string } }[] };
  const codes = (json.errors ?? []).map((e) => e.extensions?.code ?? 'NONE');
  return { ok: !json.errors, id: json.data?.createTemplate?.id, codes, ms, body };
}

/** Sends alternating writes and reads until `until` says stop; returns every outcome. */
async function stream(until: (outcomes: Outcome[]) => boolean, max = 400): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < max && !until(outcomes); i++) outcomes.push(await send(i % 2 ? 'read' : 'write'));
  return outcomes;
}

describe('PostgreSQL outage', () => {
  it('fails fast with SERVICE_UNAVAILABLE while PostgreSQL is gone, stays up, recovers, and loses no acknowledged write', async () => {
    const before = await stream((o) => o.length >= 20);
    expect(before.every((o) => o.ok)).toBe(true);
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);

    // PostgreSQL goes away mid-stream: connections drop and new ones are refused.
    const inFlight = Promise.all([send('write'), send('read'), send('write')]);
    await proxy.cut();
    const during = [...(await inFlight), ...(await stream((o) => o.length >= 10))];
    // Then the network black-holes: connections are accepted but never answered.
    await proxy.blackhole();
    const blackholed = await stream((o) => o.length >= 4);

    const failed = [...during, ...blackholed].filter((o) => !o.ok);
    expect(failed.length).toBeGreaterThanOrEqual(14);
    for (const o of failed) {
      expect(o.codes).toEqual(o.codes.map(() => 'SERVICE_UNAVAILABLE'));
      expect(o.body).not.toMatch(/ECONNREFUSED|stack|at .*\.js|SELECT|INSERT/i);
    }
    const slowest = Math.max(...failed.map((o) => o.ms));
    expect(slowest).toBeLessThan(ERROR_LATENCY_BOUND_MS);
    // Meanwhile /ready says so, and /health still answers: the process is up.
    expect((await fetch(`${app.url}/ready`)).status).toBe(503);
    expect((await fetch(`${app.url}/health`)).status).toBe(200);

    // PostgreSQL returns: the service recovers by itself.
    await proxy.restore();
    const after = await stream((o) => o.filter((x) => x.ok).length >= 10);
    expect(after.filter((o) => o.ok).length).toBe(10);
    expect((await fetch(`${app.url}/ready`)).status).toBe(200);
    // Once it has recovered, it stays recovered.
    const firstOk = after.findIndex((o) => o.ok);
    expect(after.slice(firstOk).every((o) => o.ok)).toBe(true);

    // Every acknowledged write is there, read straight from PostgreSQL.
    const acknowledged = [...before, ...during, ...blackholed, ...after].filter((o) => o.ok && o.id).map((o) => o.id as string);
    expect(acknowledged.length).toBeGreaterThanOrEqual(15);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query('SELECT id FROM prompt_templates WHERE id = ANY($1::uuid[])', [acknowledged]);
    await client.end();
    expect(rows).toHaveLength(acknowledged.length);
    console.info(`outage: ${failed.length} refused requests, slowest refusal ${Math.round(slowest)} ms`);
  });

  it('maps a statement timeout to SERVICE_UNAVAILABLE and frees the connection', async () => {
    const created = await send('write');
    expect(created.ok).toBe(true);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('SELECT 1 FROM prompt_templates WHERE id = $1 FOR UPDATE', [created.id]);
    const res = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `mutation { deleteTemplate(id: "${created.id}") { isActive } }` }),
    });
    const json = (await res.json()) as any;
    await locker.query('ROLLBACK');
    await locker.end();
    expect(json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect((await send('read')).ok).toBe(true);
  });
});
