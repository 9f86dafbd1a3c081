/** One normalised statement's timings as measured by the service. */
export interface StatementTiming {
  statement: string;
  repositoryFunction: string;
  calls: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  meanMs: number;
}

/** Shapes of the statements seen lately, by their text: the service repeats a few hundred texts endlessly. */
const shapes = new Map<string, string>();
const MAX_REMEMBERED_SHAPES = 2_000;

/**
 * Collapses a compiled statement to its shape: placeholders become `?`, IN-lists and multi-row VALUES
 * become one element, whitespace is squeezed. Kysely always binds values, so no literal values remain.
 */
export function normaliseSql(sql: string): string {
  let shape = shapes.get(sql);
  if (shape === undefined) {
    shape = sql
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\$\d+/g, '?')
      .replace(/\((?:\?, )+\?\)/g, '(?…)')
      .replace(/(\((?:\?|\?…)\))(?:, \((?:\?|\?…)\))+/g, '$1, …');
    if (shapes.size >= MAX_REMEMBERED_SHAPES) shapes.clear();
    shapes.set(sql, shape);
  }
  return shape;
}

/**
 * Per-statement timings kept in memory: the fallback source of `slowQueries` when pg_stat_statements is not
 * installed. Keeps at most `maxStatements` distinct statements; past that the least recently first-seen one
 * is dropped to make room.
 */
export class StatementStats {
  readonly #entries = new Map<string, StatementTiming>();
  readonly #max: number;

  constructor(maxStatements: number) {
    if (!Number.isInteger(maxStatements) || maxStatements < 1) {
      throw new TypeError(`maxStatements must be a positive integer, got ${String(maxStatements)}`);
    }
    this.#max = maxStatements;
  }

  /** Adds one execution of an already-normalised statement. */
  record(statement: string, repositoryFunction: string, durationMs: number, failed: boolean): void {
    let e = this.#entries.get(statement);
    if (!e) {
      if (this.#entries.size >= this.#max) {
        const oldest = this.#entries.keys().next().value;
        if (oldest !== undefined) this.#entries.delete(oldest);
      }
      e = { statement, repositoryFunction, calls: 0, errors: 0, totalMs: 0, maxMs: 0, meanMs: 0 };
      this.#entries.set(statement, e);
    }
    // A shape first seen unattributed (see StatementCallerPlugin) takes its name when it is known.
    if (e.repositoryFunction !== repositoryFunction && repositoryFunction !== 'unattributed') {
      e.repositoryFunction = repositoryFunction;
    }
    e.calls += 1;
    if (failed) e.errors += 1;
    e.totalMs += durationMs;
    e.maxMs = Math.max(e.maxMs, durationMs);
    e.meanMs = e.totalMs / e.calls;
  }

  /** Statements whose slowest run reached `minMs`, slowest mean first, at most `limit`. */
  slowest(minMs: number, limit: number): StatementTiming[] {
    const out: StatementTiming[] = [];
    for (const e of this.#entries.values()) if (e.maxMs >= minMs) out.push({ ...e });
    return out.sort((a, b) => b.meanMs - a.meanMs || b.maxMs - a.maxMs).slice(0, limit);
  }

  get size(): number {
    return this.#entries.size;
  }
}
