import { badInput } from '../errors.ts';

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(kind: string, values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...values]), 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor` for the same kind; anything else is a BAD_USER_INPUT error. */
export function decodeCursor(cursor: string, kind: string, arity: number): (string | number)[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed[0] !== kind ||
    parsed.length !== arity + 1 ||
    !parsed.slice(1).every((v) => typeof v === 'string' || typeof v === 'number')
  ) {
    throw badInput('Invalid cursor: it does not come from this list and order', { argument: 'after' });
  }
  return parsed.slice(1) as (string | number)[];
}

/** The page size: `first` or the default, refused above the maximum. */
export function pageSize(first: number | null | undefined, limits: { defaultSize: number; maxSize: number }): number {
  const n = first ?? limits.defaultSize;
  if (!Number.isInteger(n) || n < 0 || n > limits.maxSize) {
    throw badInput(`first must be between 0 and ${limits.maxSize}, got ${n}`, {
      argument: 'first',
      limit: limits.maxSize,
    });
  }
  return n;
}

/** One edge: its cursor is encoded only when read (most queries select the nodes alone). */
class Edge<R, N> {
  readonly node: N;
  readonly #row: R;
  readonly #cursorOf: (row: R) => string;
  constructor(row: R, node: N, cursorOf: (row: R) => string) {
    this.#row = row;
    this.node = node;
    this.#cursorOf = cursorOf;
  }
  get cursor(): string {
    return this.#cursorOf(this.#row);
  }
}

/**
 * A Relay connection from a keyset query that fetched one row more than the page (that extra row only says
 * whether another page follows). Cursors are encoded only for the edges, and the end, a client asks for.
 */
export function connectionFromRows<R, N = R>(
  rows: readonly R[],
  first: number,
  cursorOf: (row: R) => string,
  nodeOf: (row: R) => N = (row) => row as unknown as N,
): { edges: { readonly cursor: string; readonly node: N }[]; pageInfo: { hasNextPage: boolean; readonly endCursor: string | null } } {
  const edges = rows.slice(0, first).map((row) => new Edge(row, nodeOf(row), cursorOf));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      get endCursor() {
        return edges.at(-1)?.cursor ?? null;
      },
    },
  };
}
