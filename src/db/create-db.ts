import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { Database } from './database.ts';

// int8 (counts, sums) as JavaScript numbers: the values this service counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface DbOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
}

/** One executed statement, as reported to query listeners. */
export interface QueryEvent {
  sql: string;
  durationMs: number;
  error?: unknown;
}

export interface DbHandle {
  db: Kysely<Database>;
  pool: pg.Pool;
  /** Subscribes to every executed statement; returns the unsubscribe function. */
  onQuery(listener: (event: QueryEvent) => void): () => void;
  close(): Promise<void>;
}

/** Creates the pg pool and the Kysely instance over it; every statement is reported to the query listeners. */
export function createDb(options: DbOptions): DbHandle {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolMax,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const listeners = new Set<(event: QueryEvent) => void>();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool, cursor: Cursor }),
    log(event: LogEvent) {
      if (listeners.size === 0) return;
      const e: QueryEvent = { sql: event.query.sql, durationMs: event.queryDurationMillis };
      if (event.level === 'error') e.error = event.error;
      for (const l of listeners) l(e);
    },
  });
  let closed: Promise<void> | undefined;
  return {
    db,
    pool,
    onQuery(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed ??= db.destroy();
      return closed;
    },
  };
}
