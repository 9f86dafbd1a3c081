import type pg from 'pg';

/** More parameters than this usually means a list's length is in the text (`in ($1, …, $40)`): not prepared. */
const MAX_PARAMETERS = 16;

const BEGINS = /^\s*(?:begin|start\s+transaction)\b/i;
/** The end of a transaction; `rollback to savepoint` is not one. */
const ENDS = /^\s*(?:commit|end|abort|rollback)\s*;?\s*$/i;

/**
 * Runs the statement texts the service repeats as named prepared statements, so PostgreSQL parses (and, once
 * it settles on a generic plan, plans) each of them once per connection instead of on every execution.
 *
 * A text is prepared from its second execution on, outside transactions only, when it has at most
 * MAX_PARAMETERS parameters; at most `max` distinct texts are (each costs a little memory in every
 * connection's backend), the rest run as before. Texts are named in the order they qualify, so a name never
 * stands for two texts. `max` 0 prepares nothing (for a pooler in transaction mode that cannot keep them).
 *
 * When a migration changes what a prepared statement returns (`select *` over a table that gained a column),
 * PostgreSQL refuses to run it: the text then gets a fresh name, so every connection parses it anew, and the
 * run is retried unprepared. Transactions are left alone because that refusal would abort them.
 */
export function createStatementPreparer(max: number): (client: pg.PoolClient) => void {
  if (max <= 0) return () => {};
  const names = new Map<string, string>();
  const seen = new Set<string>();
  let named = 0;
  const nameFor = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= max) return known;
    if (!seen.has(text)) {
      if (seen.size >= 10 * max) seen.clear();
      seen.add(text);
      return undefined;
    }
    const name = `s${++named}`;
    names.set(text, name);
    seen.delete(text);
    return name;
  };
  return (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    let inTransaction = false;
    // The text-and-values form Kysely uses (a promise, no callback); every other form passes through.
    client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config === 'string') {
        if (BEGINS.test(config)) inTransaction = true;
        else if (ENDS.test(config)) inTransaction = false;
        else if (!inTransaction && callback === undefined && Array.isArray(values)) {
          const name = values.length > 0 && values.length <= MAX_PARAMETERS ? nameFor(config) : undefined;
          if (name) return runPrepared(query, name, config, values, () => names.get(config) === name && names.delete(config));
        }
      }
      return query(config, values, callback);
    }) as typeof client.query;
  };
}

async function runPrepared(
  query: (...args: unknown[]) => unknown,
  name: string,
  text: string,
  values: unknown[],
  forget: () => void,
): Promise<unknown> {
  try {
    return await query({ name, text, values });
  } catch (err) {
    if (!isStalePlan(err)) throw err;
    forget();
    return query(text, values);
  }
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was prepared. */
function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; routine?: unknown; message?: unknown };
  return (
    e?.code === '0A000' &&
    (e.routine === 'RevalidateCachedQuery' || (typeof e.message === 'string' && e.message.includes('cached plan must not change')))
  );
}
