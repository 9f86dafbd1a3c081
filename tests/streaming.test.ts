import v8 from 'node:v8';
import vm from 'node:vm';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers/app.ts';
import { makeTemplates } from './helpers/fixtures.ts';
import { metric } from './helpers/metrics.ts';

let app: TestApp;
beforeAll(async () => {
  // A small export batch, so every export below spans many batches.
  app = await createTestApp({ env: { EXPORT_BATCH_SIZE: '50' } });
});
afterAll(async () => {
  await app?.close();
});

/** Reads an incremental-delivery response (multipart/mixed) into its JSON parts. */
async function incrementalParts(query: string, variables: Record<string, unknown> = {}) {
  const res = await app.yoga.fetch('http://test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'multipart/mixed' },
    body: JSON.stringify({ query, variables }),
  });
  expect(res.headers.get('content-type')).toContain('multipart/mixed');
  const text = await res.text();
  return text
    .split(/\r?\n---/)
    .map((part) => part.slice(part.indexOf('{')))
    .filter((part) => part.startsWith('{'))
    .map((part) => JSON.parse(part.trim()));
}

describe('@stream and @defer', () => {
  it('streams list items after the initial payload', async () => {
    await makeTemplates(app, 12, 'stream');
    const parts = await incrementalParts(`{ templates(first: 12) { edges @stream(initialCount: 2) { node { name } } } }`);
    expect(parts[0].data.templates.edges).toHaveLength(2);
    expect(parts[0].hasNext).toBe(true);
    const streamed = parts.slice(1).flatMap((p) => (p.incremental ?? []).flatMap((i: any) => i.items ?? []));
    expect(streamed).toHaveLength(10);
    expect(parts.at(-1).hasNext).toBe(false);
  });

  it('defers a fragment', async () => {
    const parts = await incrementalParts(`{ templates(first: 3) { edges { node { name ... @defer { versions { version } } } } } }`);
    expect(parts[0].data.templates.edges[0].node.versions).toBeUndefined();
    const deferred = parts.slice(1).flatMap((p) => p.incremental ?? []);
    expect(deferred).toHaveLength(3);
    expect(deferred[0].data.versions).toEqual([{ version: 1 }]);
  });

  it('counts a deferred operation once in the metrics, when its last part is sent', async () => {
    const series = { operationName: 'Deferred', operationType: 'query' };
    const count = async (name: string) => metric(await (await app.yoga.fetch('http://test/metrics')).text(), name, series);
    const parts = await incrementalParts(`query Deferred { templates(first: 3) { edges { node { name ... @defer { versions { version } } } } } }`);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1).hasNext).toBe(false);
    expect(await count('graphql_envelop_request')).toBe(1);
    expect(await count('graphql_envelop_request_duration_count')).toBe(1);
    expect(await count('graphql_yoga_http_duration_count')).toBe(1);
  });
});

async function readNdjson(path: string) {
  const res = await app.yoga.fetch(`http://test${path}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('application/x-ndjson');
  const text = await res.text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

describe('NDJSON exports', () => {
  it('exports every active template, oldest first, across many cursor batches', async () => {
    await makeTemplates(app, 230, 'export');
    const rows = await readNdjson('/export/templates');
    const expected = await app.deps.db.selectFrom('prompt_templates').select(['id']).where('is_active', '=', true).orderBy('created_at').orderBy('id').execute();
    expect(rows.map((r) => r.id)).toEqual(expected.map((r) => r.id));
    expect(rows.length).toBeGreaterThan(200);
    expect(rows[0]).toHaveProperty('content');
  });

  it('exports a session\'s unexpired memory by conversation, oldest first', async () => {
    const s = `exp-${Math.random().toString(36).slice(2)}`;
    const inputs = Array.from({ length: 180 }, (_, i) => ({ sessionId: s, conversationId: `c${i % 3}`, role: 'USER', content: `m${i}` }));
    for (let i = 0; i < inputs.length; i += 60) {
      const r = await app.gql(`mutation($in: [MemoryInput!]!) { appendMemories(inputs: $in) { id } }`, { in: inputs.slice(i, i + 60) });
      expect(r.errors).toBeUndefined();
    }
    await app.gql(`mutation($s: String!) { appendMemory(input: { sessionId: $s, conversationId: "c0", role: USER, content: "old", ttlSeconds: 1 }) { id } }`, { s });
    await app.deps.db.updateTable('conversation_memories').set({ expires_at: new Date(Date.now() - 1000) } as never).where('content', '=', 'old').execute();
    const rows = await readNdjson(`/export/conversations/${encodeURIComponent(s)}`);
    expect(rows).toHaveLength(180);
    const expected = [0, 1, 2].flatMap((c) => inputs.filter((_, i) => i % 3 === c).map((x) => x.content));
    expect(rows.map((r) => r.content)).toEqual(expected);
  });

  it('streams in constant memory: a large export does not make the server hold it', async () => {
    const s = `big-${Math.random().toString(36).slice(2)}`;
    const content = 'x'.repeat(4000);
    // 12,000 entries of 4 KB: about 48 MB of content, far more than one batch of 50.
    await sql`INSERT INTO conversation_memories (session_id, conversation_id, role, content)
      SELECT ${s}, 'c', 'USER', ${content} FROM generate_series(1, 12000)`.execute(app.deps.db);
    // Live memory after a full collection is what the export holds; garbage does not count.
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const live = () => {
      // Twice: array buffers freed by the first collection are released only after it.
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.external + m.arrayBuffers;
    };
    const base = live();
    const res = await app.yoga.fetch(`http://test/export/conversations/${s}`);
    const reader = res.body!.getReader();
    let bytes = 0;
    let lines = 0;
    let chunks = 0;
    let peak = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      for (const b of value) if (b === 10) lines++;
      if (++chunks % 40 === 1) peak = Math.max(peak, live() - base);
    }
    expect(lines).toBe(12000);
    expect(bytes).toBeGreaterThan(48_000_000);
    // The reader went through ~48 MB; at any moment the export held only a few 50-row batches (~200 KB each).
    expect(peak).toBeLessThan(8_000_000);
  });

  it('answers 404 for an unknown export and 405 for a non-GET', async () => {
    expect((await app.yoga.fetch('http://test/export/nothing')).status).toBe(404);
    expect((await app.yoga.fetch('http://test/export/templates', { method: 'POST' })).status).toBe(405);
  });
});
