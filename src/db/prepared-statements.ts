import type pg from 'pg';

/** Statements that can be prepared: a query or a data-modifying statement, not a utility one (BEGIN, SET...). */
const PREPARABLE = /^\s*(?:select|insert|update|delete|with|values)\b/i;

/**
 * Runs the statement texts the service repeats as named prepared statements, so PostgreSQL parses (and, once
 * it settles on a generic plan, plans) each of them once per connection instead of on every execution.
 *
 * A text is prepared from its second execution on; at most `max` distinct texts are (each costs a little
 * memory in every connection's backend, and texts that embed a list's length, such as `in ($1, $2, $3)`, are
 * many), the rest run as before. Texts are named in the order they qualify, so a name never stands for two
 * texts. `max` 0 prepares nothing (for a pooler in transaction mode that cannot keep them).
 */
export function createStatementPreparer(max: number): (client: pg.PoolClient) => void {
  const names = new Map<string, string>();
  const seen = new Map<string, true>();
  let named = 0;
  const nameFor = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= max) return known;
    if (!seen.has(text)) {
      if (seen.size >= 10 * max) seen.clear();
      seen.set(text, true);
      return undefined;
    }
    if (!PREPARABLE.test(text)) return undefined;
    const name = `s${++named}`;
    names.set(text, name);
    seen.delete(text);
    return name;
  };
  return (client) => {
    if (max <= 0) return;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // The text-and-values form Kysely uses (a promise, no callback); every other form passes through.
    client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
        const name = nameFor(config);
        if (name) {
          return (query({ name, text: config, values }) as Promise<unknown>).catch((err: unknown) => {
            if (!isStalePlan(err)) throw err;
            // A migration changed what the statement returns (`select *` over a table that gained a column):
            // the text gets a fresh name, so every connection parses it anew, and this run is retried
            // unprepared. Inside a transaction the error has aborted it: then the error is the answer.
            if (names.get(config) === name) names.delete(config);
            return (query(config, values) as Promise<unknown>).catch(() => {
              throw err;
            });
          });
        }
      }
      return query(config, values, callback);
    }) as typeof client.query;
  };
}

/** PostgreSQL's refusal to run a prepared statement whose result columns changed since it was prepared. */
function isStalePlan(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}
