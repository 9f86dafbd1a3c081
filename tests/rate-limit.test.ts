import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRateLimiter } from '../src/domains/auth/rate-limit.ts';
import { createLogger } from '../src/logger.ts';

describe('in-process rate limiter', () => {
  const logger = createLogger('silent');
  const limiter = (max: number, windowMs: number, maxKeys?: number) =>
    createRateLimiter({ max, windowMs, prefix: 'unused:', logger, ...(maxKeys === undefined ? {} : { maxKeys }) });

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(10_000); // the start of a 1,000 ms window
  });
  afterEach(() => vi.useRealTimers());

  it('counts per key within a window, refuses past max with the time left, and starts again in the next window', async () => {
    const rl = limiter(2, 1_000);
    expect(await rl.hit('a')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    vi.setSystemTime(10_400);
    expect(await rl.hit('a')).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(await rl.hit('a')).toEqual({ allowed: false, remaining: 0, retryAfterMs: 600 });
    expect(await rl.hit('b')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 }); // its own budget
    vi.setSystemTime(10_999);
    expect((await rl.hit('a')).allowed).toBe(false);
    vi.setSystemTime(11_000);
    expect(await rl.hit('a')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    expect(await rl.hit('b')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
    // A window skipped entirely still starts from zero.
    vi.setSystemTime(15_500);
    expect(await rl.hit('a')).toEqual({ allowed: true, remaining: 1, retryAfterMs: 0 });
  });

  it('counts at most maxKeys keys in a window, forgetting the one counted longest', async () => {
    const rl = limiter(1, 1_000, 2);
    expect((await rl.hit('a')).allowed).toBe(true);
    expect((await rl.hit('b')).allowed).toBe(true);
    expect((await rl.hit('a')).allowed).toBe(false); // still counted
    expect((await rl.hit('c')).allowed).toBe(true); // a third key: 'a' is forgotten
    expect((await rl.hit('b')).allowed).toBe(false);
    expect((await rl.hit('c')).allowed).toBe(false);
    expect((await rl.hit('a')).allowed).toBe(true); // counted afresh, 'b' forgotten in turn
    expect((await rl.hit('b')).allowed).toBe(true);
  });

  it('allows everything when max is 0', async () => {
    const rl = limiter(0, 1_000);
    for (let i = 0; i < 5; i++) expect((await rl.hit('a')).allowed).toBe(true);
  });
});
