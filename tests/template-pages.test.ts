import { describe, expect, test } from 'vitest';
import { createRng } from '../load/scenarios.ts';
import { pageAfterCreates } from '../src/domains/templates/templates.loaders.ts';
import { sliceOf } from '../src/lib/frozen-arrays.ts';
import type { TemplatePageKey, TemplatePageQuery } from '../src/domains/templates/templates.repository.ts';
import type { TemplateRow } from '../src/domains/templates/templates.table.ts';

// The first character varies as a uuid's does (the presence check compares it first).
const hex = (n: number) => `${((n * 7) % 16).toString(16)}0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

function row(n: number, time: number, extra: Partial<TemplateRow> = {}): TemplateRow {
  return { id: hex(n), is_active: true, category: 'quality', created_by: 'someone', created_at: new Date(time), updated_at: new Date(time), ...extra } as TemplateRow;
}

/** The page as PostgreSQL would hold it after the inserts: every key so far, in keyset order, cut to the limit. */
function reference(q: TemplatePageQuery, page: readonly TemplatePageKey[], created: readonly TemplateRow[]): TemplatePageKey[] {
  let out = [...page];
  const cmp = (a: TemplatePageKey, b: TemplatePageKey) => {
    const ahead = a.key !== b.key ? a.key > b.key : a.id > b.id;
    return (q.direction === 'desc' ? ahead : !ahead) ? -1 : 1;
  };
  for (const r of created) {
    if (out.some((k) => k.id === r.id)) continue;
    const mine = { id: r.id, key: r.updated_at.getTime() };
    const last = out[out.length - 1];
    if (out.length >= q.limit && last && cmp(mine, last) > 0) continue;
    out = [...out, mine].sort(cmp).slice(0, q.limit);
  }
  return out;
}

const deepFrozen = (keys: TemplatePageKey[]) => Object.freeze(keys.map((k) => Object.freeze(k)));

describe('a cached page after templates were created', () => {
  test('takes each new row in its place, cut to the limit, in either direction, leaving the cached page as it was', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 300; trial++) {
      const direction = rng() < 0.5 ? 'desc' : 'asc';
      const limit = 1 + Math.floor(rng() * 25);
      const q: TemplatePageQuery = { column: 'updated_at', direction, limit, filter: {} };
      const existing = Array.from({ length: Math.floor(rng() * (limit + 3)) }, (_, i) => row(i, Math.floor(rng() * 50)));
      const page = deepFrozen(reference(q, [], existing));
      const before = JSON.stringify(page);
      const created = Array.from({ length: 1 + Math.floor(rng() * 4) }, (_, i) => row(1000 + i, Math.floor(rng() * 60)));
      // Sometimes a row the page already holds (a load that saw it committed).
      if (page.length && rng() < 0.3) created.push(row(Number.parseInt(page[0]!.id.slice(-12), 16), page[0]!.key as number));
      expect(pageAfterCreates(q, page, created)).toEqual(reference(q, page, created));
      expect(JSON.stringify(page)).toBe(before);
    }
  });

  test('is the same array when no new row can be in it', () => {
    const q: TemplatePageQuery = { column: 'updated_at', direction: 'desc', limit: 2, filter: { category: 'quality' } };
    const page = deepFrozen([{ id: hex(1), key: 50 }, { id: hex(2), key: 40 }]);
    expect(pageAfterCreates(q, page, [row(9, 10)])).toBe(page); // older than a full page's last row
    expect(pageAfterCreates(q, page, [row(9, 99, { category: 'data' })])).toBe(page);
    expect(pageAfterCreates(q, page, [row(9, 99, { is_active: false })])).toBe(page);
    expect(pageAfterCreates(q, page, [row(1, 50)])).toBe(page);
    expect(pageAfterCreates(q, page, [row(9, 99)])).toEqual([{ id: hex(9), key: 99 }, { id: hex(1), key: 50 }]);
    expect(pageAfterCreates({ ...q, column: 'name' }, page, [row(9, 99)])).toBeUndefined();
  });
});

describe('sliceOf', () => {
  test('copies what slice copies, from frozen and unfrozen arrays, and leaves them as they were', () => {
    const list = Object.freeze([1, 2, 3, 4, 5]);
    for (let start = 0; start <= 6; start++) {
      for (let end = 0; end <= 7; end++) expect(sliceOf(list, start, end)).toEqual(list.slice(start, end));
      expect(sliceOf(list, start)).toEqual(list.slice(start));
    }
    const copy = sliceOf([1, 2, 3], 0);
    copy.push(4); // a new, unfrozen array
    expect(copy).toEqual([1, 2, 3, 4]);
    expect(list).toEqual([1, 2, 3, 4, 5]);
  });
});
