import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDb } from '../src/db/create-db.ts';
import { createTimestamptzParser } from '../src/db/timestamptz.ts';
import { createTestDatabase } from './helpers/db.ts';

/** A time as PostgreSQL prints a timestamptz in a UTC session: microseconds without trailing zeros, `+00`. */
function pgText(ms: number, micros: number): string {
  const iso = new Date(ms).toISOString();
  const fraction = String((((ms % 1000) + 1000) % 1000) * 1000 + micros).padStart(6, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('timestamptz parser', () => {
  it("reads PostgreSQL's UTC form, years 100 to 9999, to the millisecond, without the general parser", () => {
    const general = vi.fn(() => 'general');
    const parse = createTimestamptzParser(general);
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }),
        fc.integer({ min: 0, max: 999 }),
        (ms, micros) => {
          const value = parse(pgText(ms, micros));
          expect(value).toBeInstanceOf(Date);
          expect((value as Date).getTime()).toBe(ms);
        },
      ),
      { numRuns: 2000 },
    );
    expect(parse('2026-11-28 17:40:00+00')).toEqual(new Date('2026-11-28T17:40:00.000Z'));
    expect(parse('2026-11-28 17:40:00.5+00')).toEqual(new Date('2026-11-28T17:40:00.500Z'));
    expect(parse('2026-11-28 17:40:00.057+00')).toEqual(new Date('2026-11-28T17:40:00.057Z'));
    expect(general).not.toHaveBeenCalled();
  });

  it('hands every other form to the general parser, and answers what it answers', () => {
    const general = vi.fn((s: string) => `general:${s}`);
    const parse = createTimestamptzParser(general);
    const others = [
      '2026-11-28 23:10:00+05:30', // another time zone
      '2026-11-28 17:40:00-08',
      '0050-01-01 00:00:00+00', // Date.UTC would read the year as 1950
      '2026-11-28 17:40:00+00 BC',
      '12026-11-28 17:40:00+00',
      'infinity',
      '-infinity',
      'Sat Nov 28 17:40:00 2026 UTC', // the Postgres DateStyle
      '2026-1x-28 17:40:00+00',
      '2026-11-28 17:40:00.12a+00',
      '2026-11-28 17:40:00.1234567+00',
    ];
    for (const s of others) expect(parse(s)).toBe(`general:${s}`);
    expect(general).toHaveBeenCalledTimes(others.length);
  });
});

describe('timestamptz from the database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('gives the same instants in a UTC session and in any other', async () => {
    const h = createDb({ url: database.url, poolMax: 1, statementTimeoutMs: 5_000, connectTimeoutMs: 5_000 });
    try {
      const read = async () =>
        (
          await sql<{ a: Date; b: Date; c: Date; d: Date }>`select
            '2026-11-28 17:40:00.123456+00'::timestamptz as a, '2026-11-28 17:40:00+00'::timestamptz as b,
            '0050-06-01 12:00:00+00'::timestamptz as c, '9999-12-31 23:59:59.999+00'::timestamptz as d`.execute(h.db)
        ).rows[0]!;
      const expected = {
        a: new Date('2026-11-28T17:40:00.123Z'),
        b: new Date('2026-11-28T17:40:00.000Z'),
        c: new Date('0050-06-01T12:00:00.000Z'),
        d: new Date('9999-12-31T23:59:59.999Z'),
      };
      await sql`set time zone 'UTC'`.execute(h.db);
      expect(await read()).toEqual(expected);
      await sql`set time zone 'Asia/Kolkata'`.execute(h.db);
      expect(await read()).toEqual(expected);
    } finally {
      await h.close();
    }
  });
});
