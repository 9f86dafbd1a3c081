import { describe, expect, it } from 'vitest';
import { connectionFromRows, decodeCursor, encodeCursor } from '../src/lib/cursor.ts';

describe('connectionFromRows', () => {
  const rows = [1, 2, 3, 4].map((n) => ({ n }));

  it('encodes a cursor only for the edges, and the end, that are read', () => {
    const encoded: number[] = [];
    const conn = connectionFromRows(rows, 3, (r) => {
      encoded.push(r.n);
      return encodeCursor('t', [r.n]);
    });
    expect(conn.edges.map((e) => e.node.n)).toEqual([1, 2, 3]);
    expect(conn.pageInfo.hasNextPage).toBe(true);
    expect(encoded).toEqual([]);
    expect(decodeCursor(conn.edges[1]!.cursor, 't', 1)).toEqual([2]);
    expect(decodeCursor(conn.pageInfo.endCursor!, 't', 1)).toEqual([3]);
    expect(encoded).toEqual([2, 3]);
    expect(JSON.parse(JSON.stringify(conn.edges[0]))).toEqual({ node: { n: 1 } });
  });

  it('has no end cursor and no next page for an empty page', () => {
    const conn = connectionFromRows([], 5, () => 'x');
    expect(conn.edges).toEqual([]);
    expect(conn.pageInfo).toMatchObject({ hasNextPage: false, endCursor: null });
  });
});
