import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter } from 'keyv';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createCache } from '../src/cache/index.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

/**
 * A remote store stand-in whose every call is a real round trip through another process (`cat` echoes a line
 * back), so its answers arrive as I/O, as Redis replies do. `answer: false` never answers.
 */
class EchoStore extends EventEmitter {
  opts = {};
  namespace?: string;
  constructor(
    private readonly echo: ChildProcess,
    private readonly answer = true,
  ) {
    super();
  }
  private roundTrip(): Promise<void> {
    if (!this.answer) return new Promise(() => {});
    return new Promise((resolve) => {
      this.echo.stdout!.once('data', () => resolve());
      this.echo.stdin!.write('x\n');
    });
  }
  async get() {
    await this.roundTrip();
    return undefined;
  }
  async getMany(keys: string[]) {
    await this.roundTrip();
    return keys.map(() => undefined);
  }
  async set() {
    return true;
  }
  async setMany() {}
  async delete() {
    return true;
  }
  async deleteMany() {
    return true;
  }
  async clear() {}
  async has() {
    return false;
  }
}

/** Keeps the event loop busy, as a saturated server's is. */
function busy(ms: number) {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('cache call timeout', () => {
  let echo: ChildProcess;
  const config = loadConfig({ NODE_ENV: 'test', CACHE_TIMEOUT_MS: '50', CACHE_BYPASS_AFTER_FAILURES: '1' });
  const logger = createLogger('silent');

  beforeAll(async () => {
    echo = spawn('cat', { stdio: ['pipe', 'pipe', 'ignore'] });
    await new EchoStore(echo).get(); // the echo answers
  });
  afterAll(() => {
    echo?.kill();
  });

  test('a reply that arrived while the event loop was busy past the deadline is taken, not counted as a failure', async () => {
    const cache = createCache(config, logger, { store: new EchoStore(echo) as unknown as KeyvStoreAdapter });
    await cache.getMany('template', ['a']);
    const lookup = cache.getMany('template', ['a']);
    // The request is out; the loop is then busy for six deadlines while the reply comes back.
    setImmediate(() => busy(300));
    await lookup;
    expect(cache.stats()).toMatchObject({ errors: 0, degraded: false });
    await cache.close();
  });

  test('a store that does not answer still fails the call after the deadline, and is bypassed', async () => {
    const cache = createCache(config, logger, { store: new EchoStore(echo, false) as unknown as KeyvStoreAdapter });
    const started = performance.now();
    expect(await cache.getMany('template', ['a'])).toEqual([undefined]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(cache.stats()).toMatchObject({ errors: 1, degraded: true });
    await cache.close();
  });
});
