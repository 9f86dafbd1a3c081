import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../src/db/create-db.ts';
import { createTestDatabase } from './helpers/db.ts';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

/** One connection, so that pg_prepared_statements (per session) shows what the statements made. */
async function withDb(preparedStatementsMax: number, fn: (h: DbHandle) => Promise<void>) {
  const h = createDb({ url: database.url, poolMax: 1, statementTimeoutMs: 5_000, connectTimeoutMs: 5_000, preparedStatementsMax });
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const prepared = async (h: DbHandle) =>
  (await sql<{ statement: string }>`select statement from pg_prepared_statements where statement not like '%pg_prepared_statements%'`.execute(h.db)).rows.map((r) => r.statement);

const square = (h: DbHandle, n: number) => sql<{ v: number }>`select ${n}::int * ${n}::int as v`.execute(h.db);
const plus = (h: DbHandle, n: number) => sql<{ v: number }>`select ${n}::int + 1 as v`.execute(h.db);
const minus = (h: DbHandle, n: number) => sql<{ v: number }>`select ${n}::int - 1 as v`.execute(h.db);

describe('prepared statements', () => {
  it('prepares a repeated statement from its second run, with the same answers', async () => {
    await withDb(10, async (h) => {
      expect((await square(h, 3)).rows).toEqual([{ v: 9 }]);
      expect(await prepared(h)).toEqual([]);
      expect((await square(h, 4)).rows).toEqual([{ v: 16 }]);
      expect((await square(h, 5)).rows).toEqual([{ v: 25 }]);
      expect(await prepared(h)).toEqual(['select $1::int * $2::int as v']);
    });
  });

  it('prepares nothing inside a transaction, nor a statement with many parameters', async () => {
    await withDb(10, async (h) => {
      await h.db.transaction().execute(async (trx) => {
        for (const n of [1, 2, 3]) expect((await sql<{ v: number }>`select ${n}::int - 2 as v`.execute(trx)).rows).toEqual([{ v: n - 2 }]);
      });
      const many = Array.from({ length: 17 }, (_, i) => i);
      for (let i = 0; i < 3; i++) await sql`select ${sql.join(many)} as v`.execute(h.db);
      expect(await prepared(h)).toEqual([]);
      // After the transaction, the same text is prepared as usual.
      for (const n of [1, 2]) await sql`select ${n}::int - 2 as v`.execute(h.db);
      expect(await prepared(h)).toEqual(['select $1::int - 2 as v']);
    });
  });

  it('prepares at most the configured number of texts, and none when it is 0', async () => {
    await withDb(2, async (h) => {
      for (const run of [square, plus, minus]) for (const n of [1, 2, 3]) expect((await run(h, n)).rows).toHaveLength(1);
      expect((await prepared(h)).sort()).toEqual(['select $1::int * $2::int as v', 'select $1::int + 1 as v']);
      expect((await minus(h, 10)).rows).toEqual([{ v: 9 }]);
    });
    await withDb(0, async (h) => {
      for (const n of [1, 2, 3]) await square(h, n);
      expect(await prepared(h)).toEqual([]);
    });
  });

  it('answers with the new columns after a migration changes what a prepared statement returns', async () => {
    await withDb(10, async (h) => {
      await sql`create table gadgets (id int primary key, name text)`.execute(h.db);
      await sql`insert into gadgets values (1, 'one')`.execute(h.db);
      const read = () => h.db.selectFrom('gadgets' as never).selectAll().where('id' as never, '=', 1 as never).execute();
      await read();
      expect(await read()).toEqual([{ id: 1, name: 'one' }]);
      expect(await prepared(h)).toContain('select * from "gadgets" where "id" = $1');
      await sql`alter table gadgets add column size int default 7`.execute(h.db);
      expect(await read()).toEqual([{ id: 1, name: 'one', size: 7 }]);
      expect(await read()).toEqual([{ id: 1, name: 'one', size: 7 }]);
      expect(await read()).toEqual([{ id: 1, name: 'one', size: 7 }]);
      // Prepared again under a new name (the old one stays allocated until the connection closes).
      expect((await prepared(h)).filter((s) => s === 'select * from "gadgets" where "id" = $1')).toHaveLength(2);
      // A retried statement that fails for another reason reports that reason.
      const add = (id: number) => sql`insert into gadgets (id, name) values (${id}, 'x') returning *`.execute(h.db);
      await add(2);
      await add(3);
      await sql`alter table gadgets add column colour text`.execute(h.db);
      await expect(add(3)).rejects.toMatchObject({ code: '23505' });
    });
  });
});
