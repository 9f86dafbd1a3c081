import { describe, expect, test } from 'vitest';
import { createRng } from '../load/scenarios.ts';
import { isoStringOfTime } from '../src/lib/iso-time.ts';

const same = (time: number) => expect(isoStringOfTime(time)).toBe(new Date(time).toISOString());

describe('isoStringOfTime', () => {
  test('prints what toISOString prints at the edges: the epoch, leap days, century years, the end of 9999', () => {
    for (const time of [
      0, 1, 999, 86_399_999, 86_400_000,
      Date.UTC(2000, 1, 29, 12), Date.UTC(2000, 2, 1), Date.UTC(2100, 1, 28, 23, 59, 59, 999), Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ]) {
      same(time);
    }
  });

  test('prints what toISOString prints for every day to 9999 and for random times', () => {
    const rng = createRng(20261129);
    const differ: number[] = [];
    const check = (time: number) => {
      if (isoStringOfTime(time) !== new Date(time).toISOString()) differ.push(time);
    };
    for (let day = 0; day <= 2_932_896; day += 3) check(day * 86_400_000 + Math.floor(rng() * 86_400_000));
    for (let i = 0; i < 200_000; i++) check(Math.floor(rng() * 253_402_300_800_000));
    expect(differ).toEqual([]);
  });

  test('leaves times before 1970 and after 9999 to toISOString, which refuses NaN', () => {
    for (const time of [-1, -86_400_001, Date.UTC(1969, 6, 20, 20, 17), Date.UTC(10_000, 0, 1), 8.64e15]) same(time);
    expect(isoStringOfTime(Date.UTC(10_000, 0, 1))).toBe('+010000-01-01T00:00:00.000Z');
    expect(() => isoStringOfTime(Number.NaN)).toThrow(RangeError);
  });
});
