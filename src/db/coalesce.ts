import { AsyncLocalStorage } from 'node:async_hooks';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** One statement for all `items` (a multi-row write, or a read of several keys), one output per item, in order. */
export type PerItemStatement<I, O> = (db: Db, items: readonly I[]) => Promise<O[]>;

export interface CoalesceOptions {
  /** Most items in one combined statement; a call with at least this many runs alone. */
  maxItems: number;
  /**
   * Most combined statements running at once on one database (default 1): while they run, new calls gather
   * into the next one, which starts as soon as one of them is done. A full batch (maxItems) starts at once.
   */
  maxInFlight?: number;
}

/**
 * Errors that belong to a row rather than to the statement: data exceptions (SQLSTATE class 22) and integrity
 * violations (23). A combined statement failing with one is run again per call, so that only the call whose
 * row was refused fails; any other error (the database unreachable, a timeout) fails every call at once.
 */
export function isRowError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

interface Waiting<I, O> {
  items: readonly I[];
  resolve: (rows: O[]) => void;
  reject: (err: unknown) => void;
}

const runHere = <R>(fn: () => R): R => fn();

/**
 * One statement for the calls made at one moment: group commit for writes, one round trip for reads. The calls
 * made outside a transaction while the event loop works through one turn of I/O (under load, the requests that
 * arrived together; in one request, the fields resolved side by side) are run as ONE statement at the end of
 * that turn (setImmediate); each call still resolves only once that statement is done (a write committed), with
 * its own outputs, and each call's rows are all written or none. Calls inside a transaction run at once, on it.
 *
 * While a combined statement runs (maxInFlight, default one per database), the calls that come in wait for it
 * and then run together as the next one: the busier the service, the larger each batch, where one statement per
 * turn would split a mix of requests into many small ones, each with its own round trip, commit and pooled
 * connection. A call made when nothing runs waits one event-loop turn at most, as before. A statement that
 * hangs holds the next one back until the pool's statement timeout (DB_STATEMENT_TIMEOUT_MS) ends it.
 *
 * What it saves under concurrency: a round trip, a pooled connection and a commit per call, and for upserts
 * into shared rows (usage rollups of a hot template) the lock waits between concurrent statements. Each
 * combined statement runs in the async context of the first call of its batch, so that request's statement
 * count and logs carry it.
 *
 * It shares statements, never results: no call sees another's outputs, and nothing outlives the statement (so
 * it is not the cross-request DataLoader the house rules forbid, which would serve one request's data to another).
 */
export function coalesced<I, O>(statement: PerItemStatement<I, O>, options: CoalesceOptions): PerItemStatement<I, O> {
  if (!Number.isInteger(options.maxItems) || options.maxItems < 1) {
    throw new TypeError(`coalesced: maxItems must be a positive integer, got ${options.maxItems}`);
  }
  const maxInFlight = options.maxInFlight ?? 1;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) {
    throw new TypeError(`coalesced: maxInFlight must be a positive integer, got ${maxInFlight}`);
  }

  async function run(db: Kysely<Database>, waiting: Waiting<I, O>[]): Promise<void> {
    if (waiting.length === 1) {
      const only = waiting[0]!;
      await statement(db, only.items).then(only.resolve, only.reject);
      return;
    }
    let outputs: O[];
    try {
      outputs = await statement(db, waiting.flatMap((w) => w.items));
    } catch (err) {
      if (!isRowError(err)) {
        for (const w of waiting) w.reject(err);
        return;
      }
      // One call's rows were refused: each call alone, so the others are written and only that one fails.
      await Promise.all(waiting.map((w) => statement(db, w.items).then(w.resolve, w.reject)));
      return;
    }
    const expected = waiting.reduce((n, w) => n + w.items.length, 0);
    if (outputs.length !== expected) {
      const err = new Error(`coalesced statement answered ${outputs.length} outputs for ${expected} items`);
      for (const w of waiting) w.reject(err);
      return;
    }
    let at = 0;
    for (const w of waiting) {
      w.resolve(outputs.slice(at, at + w.items.length));
      at += w.items.length;
    }
  }

  /** One database's calls waiting for their statement, and its statements running. */
  interface Queue {
    waiting: Waiting<I, O>[];
    items: number;
    /** Runs a function in the async context of the first waiting call (see AsyncLocalStorage.snapshot). */
    opener: <R>(fn: () => R) => R;
    scheduled: boolean;
    inFlight: number;
  }
  const queues = new WeakMap<Kysely<Database>, Queue>();
  const queueOf = (root: Kysely<Database>): Queue => {
    let q = queues.get(root);
    if (!q) queues.set(root, (q = { waiting: [], items: 0, opener: runHere, scheduled: false, inFlight: 0 }));
    return q;
  };

  /** Runs the waiting calls as one statement; when it is done, calls that came in meanwhile get their turn. */
  function flush(root: Kysely<Database>, q: Queue): void {
    const { waiting, opener } = q;
    q.waiting = [];
    q.items = 0;
    q.inFlight++;
    void opener(() => run(root, waiting)).finally(() => {
      q.inFlight--;
      if (q.waiting.length > 0 && !q.scheduled) schedule(root, q);
    });
  }

  /** At the end of this turn of I/O, the waiting calls run, unless maxInFlight statements are running. */
  function schedule(root: Kysely<Database>, q: Queue): void {
    q.scheduled = true;
    setImmediate(() => {
      q.scheduled = false;
      if (q.waiting.length > 0 && q.inFlight < maxInFlight) flush(root, q);
    });
  }

  return (db, items) => {
    if (db.isTransaction || items.length === 0 || items.length >= options.maxItems) return statement(db, items);
    const root = db as Kysely<Database>;
    const queue = queueOf(root);
    return new Promise<O[]>((resolve, reject) => {
      // Full: the waiting calls run now, and this call starts the next batch.
      if (queue.waiting.length > 0 && queue.items + items.length > options.maxItems) flush(root, queue);
      if (queue.waiting.length === 0) queue.opener = AsyncLocalStorage.snapshot();
      queue.waiting.push({ items, resolve, reject });
      queue.items += items.length;
      if (!queue.scheduled) schedule(root, queue);
    });
  };
}
