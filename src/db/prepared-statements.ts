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
  const nameFor = (text: string): string | undefined => {
    const known = names.get(text);
    if (known !== undefined || names.size >= max) return known;
    if (!seen.has(text)) {
      if (seen.size >= 10 * max) seen.clear();
      seen.set(text, true);
      return undefined;
    }
    if (!PREPARABLE.test(text)) return undefined;
    const name = `s${names.size + 1}`;
    names.set(text, name);
    seen.delete(text);
    return name;
  };
  return (client) => {
    if (max <= 0) return;
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // The text-and-values form Kysely uses; every other form (a config object, a cursor) passes through.
    client.query = ((config: unknown, values?: unknown, callback?: unknown) => {
      if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
        const name = nameFor(config);
        if (name) return query({ name, text: config, values }, callback);
      }
      return query(config, values, callback);
    }) as typeof client.query;
  };
}
