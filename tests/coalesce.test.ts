import { AsyncLocalStorage } from 'node:async_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** A write whose statements stay open until released, recording each one's items and the async context it ran in. */
/** Two turns of the event loop: a statement that finished schedules the next batch for the end of the turn after it. */
const turns = async () => {
  await nextTurn();
  await nextTurn();
};

function heldWrite(store?: AsyncLocalStorage<string>) {
  const calls: number[][] = [];
  const contexts: (string | undefined)[] = [];
  const releases: (() => void)[] = [];
  const write = async (_db: unknown, items: readonly number[]) => {
    calls.push([...items]);
    contexts.push(store?.getStore());
    await new Promise<void>((resolve) => releases.push(resolve));
    return items.map((i) => i * 2);
  };
  return { calls, contexts, releases, write };
}

describe('coalesced writes while one is running', () => {
  test('the calls made meanwhile gather into the next statement, which starts when the first is done', async () => {
    const { calls, releases, write } = heldWrite();
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    const first = together(db, [1]);
    await nextTurn();
    expect(calls).toEqual([[1]]);
    // Three more turns while the first statement runs: nothing else starts.
    const second = together(db, [2]);
    await nextTurn();
    const third = together(db, [3, 4]);
    await nextTurn();
    const fourth = together(db, [5]);
    await nextTurn();
    expect(calls).toEqual([[1]]);
    releases[0]!();
    expect(await first).toEqual([2]);
    await turns();
    expect(calls).toEqual([[1], [2, 3, 4, 5]]);
    releases[1]!();
    expect(await Promise.all([second, third, fourth])).toEqual([[4], [6, 8], [10]]);
    // Nothing waits: the next call runs at the end of its own turn.
    const fifth = together(db, [6]);
    await nextTurn();
    expect(calls).toEqual([[1], [2, 3, 4, 5], [6]]);
    releases[2]!();
    expect(await fifth).toEqual([12]);
  });

  test('maxInFlight statements run at once, and a full batch starts without waiting', async () => {
    const { calls, releases, write } = heldWrite();
    const together = coalesced(write, { maxItems: 3, maxInFlight: 2 });
    const db = fakeDb();
    const results = [together(db, [1])];
    await nextTurn();
    results.push(together(db, [2]));
    await nextTurn();
    results.push(together(db, [3]), together(db, [4]));
    await nextTurn();
    // Two running; the next batch waits for one of them.
    expect(calls).toEqual([[1], [2]]);
    // A call that would take it past maxItems starts it now, a third statement, and waits in the next.
    results.push(together(db, [5, 6]));
    expect(calls).toEqual([[1], [2], [3, 4]]);
    // Three running: [5, 6] starts once fewer than two are.
    releases[0]!();
    await turns();
    expect(calls).toEqual([[1], [2], [3, 4]]);
    releases[1]!();
    await turns();
    expect(calls).toEqual([[1], [2], [3, 4], [5, 6]]);
    for (const release of releases.slice(2)) release();
    expect(await Promise.all(results)).toEqual([[2], [4], [6], [8], [10, 12]]);
    expect(() => coalesced(write, { maxItems: 3, maxInFlight: 0 })).toThrow(/maxInFlight/);
  });

  test("each statement runs in the async context of its batch's first call, not of the statement before it", async () => {
    const store = new AsyncLocalStorage<string>();
    const { calls, contexts, releases, write } = heldWrite(store);
    const together = coalesced(write, { maxItems: 100 });
    const db = fakeDb();
    const first = store.run('request A', () => together(db, [1]));
    await nextTurn();
    const second = store.run('request B', () => together(db, [2]));
    const third = store.run('request C', () => together(db, [3]));
    await nextTurn();
    releases[0]!();
    await first;
    await turns();
    expect(calls).toEqual([[1], [2, 3]]);
    expect(contexts).toEqual(['request A', 'request B']);
    releases[1]!();
    await Promise.all([second, third]);
  });
});

