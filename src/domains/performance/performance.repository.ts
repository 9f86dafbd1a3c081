import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';

export interface PgStatStatementRow {
  statement: string;
  calls: number;
  mean_ms: number;
  max_ms: number;
  total_ms: number;
}

/** Whether pg_stat_statements is installed in this database. */
export async function findPgStatStatementsInstalled(db: Kysely<Database>): Promise<boolean> {
  const { rows } = await sql<{ installed: boolean }>`
    select exists (select 1 from pg_extension where extname = 'pg_stat_statements') as installed
  `.execute(db);
  return rows[0]?.installed ?? false;
}

/**
 * Whether pg_stat_statements can be read: installed is not enough, the server must also load it through
 * shared_preload_libraries, or reading it fails with 55000 (object_not_in_prerequisite_state).
 */
export async function findPgStatStatementsReadable(db: Kysely<Database>): Promise<boolean> {
  if (!(await findPgStatStatementsInstalled(db))) return false;
  try {
    await sql`select 1 from pg_stat_statements limit 1`.execute(db);
    return true;
  } catch (err) {
    if ((err as { code?: unknown }).code === '55000') return false;
    throw err;
  }
}

/** This database's statements from pg_stat_statements with a mean of at least `minMeanMs`, slowest first. */
export async function findSlowStatementsFromPgStat(
  db: Kysely<Database>,
  opts: { minMeanMs: number; limit: number },
): Promise<PgStatStatementRow[]> {
  const { rows } = await sql<PgStatStatementRow>`
    select query as statement, calls, mean_exec_time as mean_ms, max_exec_time as max_ms, total_exec_time as total_ms
    from pg_stat_statements
    where dbid = (select oid from pg_database where datname = current_database())
      and mean_exec_time >= ${opts.minMeanMs}
    order by mean_exec_time desc
    limit ${opts.limit}
  `.execute(db);
  return rows;
}
