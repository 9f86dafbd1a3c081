import type { Kysely } from 'kysely';
import { describe, expect, test } from 'vitest';
import { coalesced, isRowError } from '../src/db/coalesce.ts';
import type { Database } from '../src/db/database.ts';

const fakeDb = (isTransaction = false) => ({ isTransaction }) as unknown as Kysely<Database>;
const codeError = (code: string) => Object.assign(new Error(`sqlstate ${code}`), { code });

/** A write that doubles each item, recording each call's items; items equal to `bad` fail the call with 23505. */
function recordingWrite(bad?: number, failWith?: Error) {
  const calls: number[][] = [];
  const write = async (_db: unknown, items: readonly number[]) => {
    calls.push([...items]);
    await Promise.resolve();
    if (failWith) throw failWith;
    if (bad !== undefined && items.includes(bad)) throw codeError('23505');
    return items.map((i) => i * 2);
  };
  return { calls, write };
}

describe('coalesced writes', () => {
  test('calls made in one turn are written by one statement, and each gets its own rows in order', async () => {
    const { calls, write } = recordingWrite();
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    const results = await Promise.all([together(db, [1, 2]), together(db, [3]), together(db, [4, 5, 6])]);
    expect(results).toEqual([[2, 4], [6], [8, 10, 12]]);
    expect(calls).toEqual([[1, 2, 3, 4, 5, 6]]);
  });

  test('calls in different turns, on different databases, or inside a transaction are not combined', async () => {
    const { calls, write } = recordingWrite();
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    await together(db, [1]);
    await together(db, [2]);
    await Promise.all([together(db, [3]), together(fakeDb(), [4])]);
    const trx = fakeDb(true);
    await Promise.all([together(trx, [5]), together(trx, [6])]);
    expect(calls).toEqual([[1], [2], [3], [4], [5], [6]]);
  });

  test('a batch never passes maxItems, and a call of that size runs alone', async () => {
    const { calls, write } = recordingWrite();
    const together = coalesced(write, { maxItems: 4 });
    const db = fakeDb();
    const results = await Promise.all([together(db, [1, 2]), together(db, [3]), together(db, [4, 5]), together(db, [6, 7, 8, 9])]);
    expect(results).toEqual([[2, 4], [6], [8, 10], [12, 14, 16, 18]]);
    // The third call would pass 4: the first two run then; the fourth is 4 items and runs alone.
    expect(calls).toEqual([[1, 2, 3], [6, 7, 8, 9], [4, 5]]);
  });

  test("a refused row fails only its own call: the batch is run again call by call", async () => {
    const { calls, write } = recordingWrite(3);
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    const settled = await Promise.allSettled([together(db, [1]), together(db, [2, 3]), together(db, [4])]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(settled[0]).toMatchObject({ value: [2] });
    expect(settled[2]).toMatchObject({ value: [8] });
    expect((settled[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23505' });
    expect(calls).toEqual([[1, 2, 3, 4], [1], [2, 3], [4]]);
  });

  test('any other failure fails every call of the batch at once, without running them again', async () => {
    const down = codeError('57P01');
    const { calls, write } = recordingWrite(undefined, down);
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    const settled = await Promise.allSettled([together(db, [1]), together(db, [2])]);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason)).toEqual([down, down]);
    expect(calls).toEqual([[1, 2]]);
  });

  test('a write answering the wrong number of rows fails the batch', async () => {
    const together = coalesced(async (_db, items: readonly number[]) => items.slice(1), { maxItems: 100 });
    const db = fakeDb();
    const settled = await Promise.allSettled([together(db, [1]), together(db, [2])]);
    expect(settled.every((s) => s.status === 'rejected')).toBe(true);
  });

  test('row errors are the data-exception and integrity-violation classes only', () => {
    expect(['22021', '22P05', '23503', '23505', '57014', '08006', '40001'].map((c) => isRowError(codeError(c)))).toEqual([
      true, true, true, true, false, false, false,
    ]);
    expect(isRowError(new Error('no code'))).toBe(false);
    expect(isRowError(null)).toBe(false);
  });
});
