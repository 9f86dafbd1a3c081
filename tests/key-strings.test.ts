import { describe, expect, it, vi } from 'vitest';
import { KeyStrings } from '../src/cache/key-strings.ts';

describe('KeyStrings', () => {
  const make = (kind: string, key: string) => `ns:v1:${kind}:${key}`;

  it('gives the key as made, making it once per kind and key while it is kept', () => {
    const spy = vi.fn(make);
    const keys = new KeyStrings(100, spy);
    expect(keys.get('template', 'a')).toBe('ns:v1:template:a');
    expect(keys.get('template', 'a')).toBe('ns:v1:template:a');
    expect(keys.get('usage', 'a')).toBe('ns:v1:usage:a');
    expect(keys.get('template', 'b')).toBe('ns:v1:template:b');
    expect(spy).toHaveBeenCalledTimes(3);
    expect(keys.size).toBe(3);
  });

  it('keeps at most max keys, forgetting all of them when full, and still gives every key right', () => {
    const spy = vi.fn(make);
    const keys = new KeyStrings(3, spy);
    for (const k of ['a', 'b', 'c']) keys.get('t', k);
    expect(keys.size).toBe(3);
    expect(keys.get('t', 'd')).toBe('ns:v1:t:d'); // full: the others are forgotten
    expect(keys.size).toBe(1);
    expect(keys.get('t', 'a')).toBe('ns:v1:t:a'); // made again
    expect(spy).toHaveBeenCalledTimes(5);
    for (let i = 0; i < 1000; i++) {
      expect(keys.get(`k${i % 7}`, String(i))).toBe(`ns:v1:k${i % 7}:${i}`);
      expect(keys.size).toBeLessThanOrEqual(3);
    }
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new KeyStrings(0, make)).toThrow(/positive integer/);
    expect(() => new KeyStrings(1.5, make)).toThrow(/positive integer/);
  });
});
