import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/database.ts';
import { badInput, conflict } from '../../errors.ts';
import * as repo from './idempotency.repository.ts';

export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** How a result is stored and brought back; the default stores it as JSON and returns it as stored. */
export interface IdempotencyCodec<T> {
  store(result: T): unknown;
  load(stored: unknown, db: Kysely<Database>): T | Promise<T>;
}

export interface IdempotencyOptions<T> {
  /** What the key is unique within, e.g. `createTemplate:<api key id>`. */
  scope: string;
  /** The client's key; when null or undefined the operation simply runs. */
  key: string | null | undefined;
  /** The request's input: a retry with the same key but different input is a CONFLICT. */
  input?: unknown;
  codec?: IdempotencyCodec<T>;
}

/** Registers work to run only after the operation's transaction commits (cache invalidation, notifications). */
export type AfterCommit = (fn: () => unknown) => void;

function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

const jsonCodec: IdempotencyCodec<any> = { store: (r) => r, load: (s) => s };

/**
 * Runs `run` at most once per (scope, key). The key is claimed and `run`'s writes and the stored result commit in
 * one transaction, so a retry returns the first result and writes nothing, and of two requests arriving at once
 * exactly one runs while the other waits for it and returns the same result. If `run` fails nothing is stored
 * and a retry runs again. `run` must do its writes through the transaction it is given.
 *
 * Usage: `withIdempotency(db, { scope: 'recordUsage', key: args.idempotencyKey, input: args.input }, (trx) => recordUsage(trx, args.input))`
 */
export async function withIdempotency<T>(
  db: Kysely<Database>,
  opts: IdempotencyOptions<T>,
  run: (trx: Transaction<Database>, afterCommit: AfterCommit) => Promise<T>,
): Promise<T> {
  const after: (() => unknown)[] = [];
  const afterCommit: AfterCommit = (fn) => after.push(fn);
  if (opts.key == null) {
    const result = await db.transaction().execute((trx) => run(trx, afterCommit));
    for (const fn of after) await fn();
    return result;
  }
  const { scope, key } = opts;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw badInput(`idempotencyKey must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`, { argument: 'idempotencyKey' });
  }
  const codec = opts.codec ?? (jsonCodec as IdempotencyCodec<T>);
  const fingerprint = opts.input === undefined ? null : createHash('sha256').update(stableJson(opts.input)).digest('hex');
  const outcome = await db.transaction().execute(async (trx) => {
    if (await repo.claimIdempotencyKey(trx, { scope, key, fingerprint })) {
      const result = await run(trx, afterCommit);
      await repo.storeIdempotencyResult(trx, scope, key, codec.store(result));
      return { fresh: true as const, result };
    }
    return { fresh: false as const, record: await repo.findIdempotencyRecord(trx, scope, key) };
  });
  if (outcome.fresh) {
    for (const fn of after) await fn();
    return outcome.result;
  }
  const record = outcome.record;
  if (!record) throw new Error(`idempotency record ${scope}/${key} vanished`);
  if (record.fingerprint !== fingerprint) {
    throw conflict('This idempotencyKey was already used with different input', { argument: 'idempotencyKey' });
  }
  return codec.load(record.result, db);
}

/**
 * Deletes stored results older than `ttlHours` now (`firstRun` settles when that is done, failed or not), then
 * every hour until `stop` is called.
 */
export function scheduleIdempotencyPurge(
  db: Kysely<Database>,
  ttlHours: number,
  onError: (err: unknown) => void,
): { firstRun: Promise<void>; stop: () => void } {
  const purge = () =>
    repo.deleteIdempotencyRecordsBefore(db, new Date(Date.now() - ttlHours * 3_600_000)).then(() => {}, onError);
  const firstRun = purge();
  const timer = setInterval(purge, 3_600_000);
  timer.unref();
  return { firstRun, stop: () => clearInterval(timer) };
}
