import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMemories } from '../src/domains/memory/memory.service.ts';
import { findFirstMemoryPages, findMemoryPage } from '../src/domains/memory/memory.repository.ts';
import { sweepExpiredMemories } from '../src/domains/memory/memory.sweeper.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => {
  await app?.close();
});

const APPEND = `mutation($in: MemoryInput!) { appendMemory(input: $in) { id role content metadata createdAt expiresAt } }`;
const APPEND_MANY = `mutation($in: [MemoryInput!]!) { appendMemories(inputs: $in) { id content expiresAt } }`;
const ENTRIES = `query($s: String!, $c: String!, $first: Int, $after: String) {
  conversation(sessionId: $s, conversationId: $c) { entries(first: $first, after: $after) { edges { cursor node { id content role } } pageInfo { hasNextPage endCursor } } }
}`;
const uid = () => Math.random().toString(36).slice(2, 10);

describe('conversation memory', () => {
  it('appends entries with the default TTL, an explicit TTL or none, and reads them newest first', async () => {
    const s = uid();
    const a = await app.gql(APPEND, { in: { sessionId: s, conversationId: 'c1', role: 'USER', content: 'hi', metadata: { k: 1 } } });
    expect(a.errors).toBeUndefined();
    const created = new Date(a.data.appendMemory.createdAt).getTime();
    expect(new Date(a.data.appendMemory.expiresAt).getTime() - created).toBe(3600 * 1000);
    const b = await app.gql(APPEND, { in: { sessionId: s, conversationId: 'c1', role: 'ASSISTANT', content: 'hello', ttlSeconds: 60 } });
    expect(new Date(b.data.appendMemory.expiresAt).getTime() - new Date(b.data.appendMemory.createdAt).getTime()).toBe(60_000);
    const c = await app.gql(APPEND, { in: { sessionId: s, conversationId: 'c1', role: 'TOOL', content: 'result', ttlSeconds: null } });
    expect(c.data.appendMemory.expiresAt).toBeNull();
    const res = await app.gql(ENTRIES, { s, c: 'c1' });
    expect(res.data.conversation.entries.edges.map((e: any) => e.node.content)).toEqual(['result', 'hello', 'hi']);
    const row = await app.deps.db.selectFrom('conversation_memories').selectAll().where('session_id', '=', s).where('content', '=', 'hi').executeTakeFirstOrThrow();
    expect(row.metadata).toEqual({ k: 1 });
    expect(row.role).toBe('USER');
  });

  it('paginates entries with keyset cursors, no duplicates or gaps', async () => {
    const s = uid();
    const inputs = Array.from({ length: 23 }, (_, i) => ({ sessionId: s, conversationId: 'c', role: 'USER', content: `m${i}` }));
    expect((await app.gql(APPEND_MANY, { in: inputs })).errors).toBeUndefined();
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await app.gql(ENTRIES, { s, c: 'c', first: 5, after });
      seen.push(...res.data.conversation.entries.edges.map((e: any) => e.node.content));
      if (!res.data.conversation.entries.pageInfo.hasNextPage) break;
      after = res.data.conversation.entries.pageInfo.endCursor;
    }
    expect(seen).toEqual(inputs.map((i) => i.content).reverse());
  });

  it('never returns an entry past its expires_at, even before the sweeper runs', async () => {
    const s = uid();
    await app.gql(APPEND_MANY, {
      in: [
        { sessionId: s, conversationId: 'c', role: 'USER', content: 'gone', ttlSeconds: 60 },
        { sessionId: s, conversationId: 'c', role: 'USER', content: 'kept', ttlSeconds: 60 },
      ],
    });
    // Put one entry exactly at the boundary: expires_at equal to the database clock now (and so, to the
    // next statement's now(), already past it); the other one second in the future.
    await sql`UPDATE conversation_memories SET expires_at = now() WHERE session_id = ${s} AND content = 'gone'`.execute(app.deps.db);
    const res = await app.gql(ENTRIES, { s, c: 'c' });
    expect(res.data.conversation.entries.edges.map((e: any) => e.node.content)).toEqual(['kept']);
    const list = await app.gql(`query($s: String!) { conversations(sessionId: $s) { edges { node { conversationId entryCount } } } }`, { s });
    expect(list.data.conversations.edges).toEqual([{ node: { conversationId: 'c', entryCount: 1 } }]);
    // The expired row is still there until swept.
    const rows = await app.deps.db.selectFrom('conversation_memories').select('content').where('session_id', '=', s).execute();
    expect(rows).toHaveLength(2);
    // An entry with a 1 second TTL disappears on its own.
    await app.gql(APPEND, { in: { sessionId: s, conversationId: 'short', role: 'USER', content: 'brief', ttlSeconds: 1 } });
    expect((await app.gql(ENTRIES, { s, c: 'short' })).data.conversation.entries.edges).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await app.gql(ENTRIES, { s, c: 'short' })).data.conversation.entries.edges).toHaveLength(0);
  });

  it('lists a session\'s conversations with entry counts and last activity, most recent first', async () => {
    const s = uid();
    for (const [conv, n] of [['a', 2], ['b', 3], ['c', 1]] as const) {
      await app.gql(APPEND_MANY, { in: Array.from({ length: n }, (_, i) => ({ sessionId: s, conversationId: conv, role: 'USER', content: `${conv}${i}` })) });
    }
    const q = `query($s: String!, $after: String) { conversations(sessionId: $s, first: 2, after: $after) {
      edges { node { conversationId entryCount lastActivityAt } } pageInfo { hasNextPage endCursor } } }`;
    const p1 = await app.gql(q, { s });
    expect(p1.data.conversations.edges.map((e: any) => [e.node.conversationId, e.node.entryCount])).toEqual([['c', 1], ['b', 3]]);
    const p2 = await app.gql(q, { s, after: p1.data.conversations.pageInfo.endCursor });
    expect(p2.data.conversations.edges.map((e: any) => e.node.conversationId)).toEqual(['a']);
    expect(p2.data.conversations.pageInfo.hasNextPage).toBe(false);
  });

  it('clearConversation removes the entries and returns how many it removed', async () => {
    const s = uid();
    await app.gql(APPEND_MANY, { in: Array.from({ length: 4 }, () => ({ sessionId: s, conversationId: 'x', role: 'USER', content: '.' })) });
    await app.gql(APPEND, { in: { sessionId: s, conversationId: 'y', role: 'USER', content: 'other' } });
    const res = await app.gql(`mutation($s: String!) { clearConversation(sessionId: $s, conversationId: "x") }`, { s });
    expect(res.data.clearConversation).toBe(4);
    const left = await app.deps.db.selectFrom('conversation_memories').select('conversation_id').where('session_id', '=', s).execute();
    expect(left).toEqual([{ conversation_id: 'y' }]);
  });

  it('appendMemories writes all entries or none: one bad entry rejects the batch with its index', async () => {
    const s = uid();
    const inputs = Array.from({ length: 5 }, (_, i) => ({ sessionId: s, conversationId: 'c', role: 'USER', content: `ok${i}`, ...(i === 3 ? { ttlSeconds: -1 } : {}) }));
    const res = await app.gql(APPEND_MANY, { in: inputs });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.items).toEqual([{ index: 3, message: expect.stringContaining('ttlSeconds') }]);
    const rows = await app.deps.db.selectFrom('conversation_memories').select('id').where('session_id', '=', s).execute();
    expect(rows).toHaveLength(0);
    const tooMany = await app.gql(APPEND_MANY, { in: Array.from({ length: 501 }, () => ({ sessionId: s, conversationId: 'c', role: 'USER', content: '.' })) });
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const ok = await app.gql(APPEND_MANY, { in: Array.from({ length: 500 }, () => ({ sessionId: s, conversationId: 'c', role: 'USER', content: '.' })) });
    expect(ok.data.appendMemories).toHaveLength(500);
  });

  it('the sweeper deletes expired rows in bounded batches and leaves live ones', async () => {
    const s = uid();
    await app.gql(APPEND_MANY, { in: Array.from({ length: 25 }, (_, i) => ({ sessionId: s, conversationId: 'c', role: 'USER', content: `e${i}`, ttlSeconds: 100 })) });
    await app.gql(APPEND, { in: { sessionId: s, conversationId: 'c', role: 'USER', content: 'live', ttlSeconds: null } });
    await sql`UPDATE conversation_memories SET expires_at = now() - interval '1 second' WHERE session_id = ${s} AND content <> 'live'`.execute(app.deps.db);
    const { result, statements } = await app.countStatements(() => sweepExpiredMemories(app.deps.db, { batchSize: 10, maxBatchesPerRun: 2 }));
    // Two batches of at most 10, then the run stops even though 5 are left.
    expect(statements.filter((st) => /^\s*delete/i.test(st.sql))).toHaveLength(2);
    expect(result.deleted).toBeGreaterThanOrEqual(20);
    const again = await sweepExpiredMemories(app.deps.db, { batchSize: 10, maxBatchesPerRun: 100 });
    const left = await app.deps.db.selectFrom('conversation_memories').select('content').where('session_id', '=', s).execute();
    expect(left).toEqual([{ content: 'live' }]);
    expect(result.deleted + again.deleted).toBeGreaterThanOrEqual(25);
  });

  it('appends made at the same moment share one statement, each answered with its own committed entries', async () => {
    const s = uid();
    const calls = Array.from({ length: 6 }, (_, i) =>
      Array.from({ length: 1 + (i % 3) }, (_, j) => ({ sessionId: s, conversationId: `c${i}`, role: 'USER' as const, content: `call ${i} entry ${j}` })),
    );
    const { result, statements } = await app.countStatements(() =>
      Promise.all(calls.map((inputs) => appendMemories(app.deps.db, app.config, inputs))),
    );
    expect(statements.map((e) => e.repositoryFunction)).toEqual(['insertMemories']);
    expect(result.map((rows) => rows.map((r) => r.content))).toEqual(calls.map((inputs) => inputs.map((i) => i.content)));
    const stored = await app.deps.db.selectFrom('conversation_memories').select(['id', 'conversation_id', 'content']).where('session_id', '=', s).execute();
    expect(stored).toHaveLength(12);
    for (const [i, rows] of result.entries()) {
      for (const r of rows) expect(stored.find((x) => x.id === r.id)).toEqual({ id: r.id, conversation_id: `c${i}`, content: r.content });
    }
  });

  it('appends of any size are written by one statement text, which can be prepared once per connection', async () => {
    const s = uid();
    const entries = (n: number) => Array.from({ length: n }, (_, j) => ({ sessionId: s, conversationId: 'c', role: 'USER' as const, content: `e${n}-${j}` }));
    const one = await app.countStatements(() => appendMemories(app.deps.db, app.config, entries(1)));
    const five = await app.countStatements(() => appendMemories(app.deps.db, app.config, entries(5)));
    expect(one.statements).toHaveLength(1);
    expect(five.statements).toHaveLength(1);
    expect(five.statements[0]!.sql).toBe(one.statements[0]!.sql);
    expect(five.result.map((r) => r.content)).toEqual(['e5-0', 'e5-1', 'e5-2', 'e5-3', 'e5-4']);
  });

  it('an entry the database refuses fails only its own append, not the others made with it', async () => {
    const s = uid();
    const entry = (content: string) => [{ sessionId: s, conversationId: 'c', role: 'USER' as const, content }];
    // PostgreSQL text cannot hold a NUL character: the combined statement fails, then each append runs alone.
    const settled = await Promise.allSettled([
      appendMemories(app.deps.db, app.config, entry('first')),
      appendMemories(app.deps.db, app.config, entry('bad \u0000 byte')),
      appendMemories(app.deps.db, app.config, entry('third')),
    ]);
    expect(settled.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await app.deps.db.selectFrom('conversation_memories').select('content').where('session_id', '=', s).orderBy('id').execute();
    expect(stored.map((r) => r.content)).toEqual(['first', 'third']);
    // Over GraphQL the refusal is the client's mistake, with a code, and nothing is written.
    const res = await app.gql(APPEND, { in: { sessionId: s, conversationId: 'c', role: 'USER', content: 'nul \u0000' } });
    expect(res.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("reads the first entries of the conversations asked for side by side with one statement, each as it reads alone", async () => {
    const s = uid();
    const inputs = [0, 1, 2, 3].flatMap((c) =>
      Array.from({ length: c + 1 }, (_, j) => ({ sessionId: s, conversationId: `c${c}`, role: 'USER', content: `c${c}-${j}` })),
    );
    expect((await app.gql(APPEND_MANY, { in: inputs })).errors).toBeUndefined();
    // An entry past its expiry stays out of its conversation's page.
    await sql`UPDATE conversation_memories SET expires_at = now() - interval '1 second' WHERE session_id = ${s} AND content = 'c2-2'`.execute(
      app.deps.db,
    );
    const q = `query($s: String!) { ${[0, 1, 2, 3]
      .map((c) => `c${c}: conversation(sessionId: $s, conversationId: "c${c}") {
        conversationId entries(first: 2) { edges { node { content } } pageInfo { hasNextPage } }
      }`)
      .join(' ')} }`;
    const { result, statements } = await app.countStatements(() => app.gql(q, { s }));
    expect(result.errors).toBeUndefined();
    expect(statements.map((e) => e.repositoryFunction)).toEqual(['findFirstMemoryPages']);
    const pages = Object.values(result.data) as any[];
    expect(pages.map((p) => p.conversationId)).toEqual(['c0', 'c1', 'c2', 'c3']);
    for (const p of pages) {
      const expected = await app.deps.db
        .selectFrom('conversation_memories')
        .select('content')
        .where('session_id', '=', s)
        .where('conversation_id', '=', p.conversationId)
        .where(sql<boolean>`(expires_at IS NULL OR expires_at > now())`)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      expect(p.entries.edges.map((e: any) => e.node.content)).toEqual(expected.slice(0, 2).map((r) => r.content));
      expect(p.entries.pageInfo.hasNextPage).toBe(expected.length > 2);
    }
    // Row for row, every column, the same as each conversation's page read alone (and in the same key order).
    const queries = [0, 1, 2, 3, 9].map((c) => ({ sessionId: s, conversationId: `c${c}`, limit: 3 }));
    const together = await findFirstMemoryPages(app.deps.db, queries);
    expect(together.map((rows) => rows.length)).toEqual([1, 2, 2, 3, 0]);
    for (const [i, q] of queries.entries()) {
      const alone = await findMemoryPage(app.deps.db, q);
      expect(together[i]).toStrictEqual(alone);
      for (const [j, row] of together[i]!.entries()) expect(Object.keys(row)).toEqual(Object.keys(alone[j]!));
    }
  });
});

