import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import { currentRequest } from '../observability/request-context.ts';
import { normaliseSql } from '../observability/statement-stats.ts';
import type { Database } from './database.ts';
import { createStatementPreparer } from './prepared-statements.ts';
import { StatementCallerPlugin } from './statement-caller.ts';
import { createTimestamptzParser } from './timestamptz.ts';

// int8 (counts, sums) as JavaScript numbers: the values this service counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// timestamptz in the form a UTC session prints, read without regular expressions; any other form as pg does.
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, createTimestamptzParser(pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ)));

export interface DbOptions {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutMs: number;
  /** Distinct statement texts run as named prepared statements (see createStatementPreparer); 0: none. */
  preparedStatementsMax?: number;
}

/** One executed statement, as reported to query listeners. */
export interface QueryEvent {
  sql: string;
  durationMs: number;
  error?: unknown;
  /** The statement's shape: placeholders as `?`, lists collapsed (see normaliseSql). */
  statement: string;
  /** The function that issued it, normally a repository function. */
  repositoryFunction: string;
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
    // Client-side bound for a query whose server stops answering (a dead network path cancels nothing server-side).
    query_timeout: options.statementTimeoutMs + 1_000,
    keepAlive: true,
    idleTimeoutMillis: 30_000,
  });
  // A client losing its connection must not crash the process: idle ones are reported through the pool, and
  // checked-out ones (between two statements of a transaction) emit 'error' on the client itself. Either way the
  // statement that needs it fails, and the pool discards the broken client and connects afresh.
  pool.on('error', () => {});
  const prepare = createStatementPreparer(options.preparedStatementsMax ?? 0);
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepare(client);
  });
  const listeners = new Set<(event: QueryEvent) => void>();
  const callers = new StatementCallerPlugin();
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool, cursor: Cursor }),
    plugins: [callers],
    log(event: LogEvent) {
      // Counted here, once per statement, however many listeners there are.
      const request = currentRequest();
      if (request) request.statements += 1;
      if (listeners.size === 0) return;
      const statement = normaliseSql(event.query.sql);
      const e: QueryEvent = {
        sql: event.query.sql,
        durationMs: event.queryDurationMillis,
        statement,
        repositoryFunction: callers.callerOf(event.query, statement),
      };
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
