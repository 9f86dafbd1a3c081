import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadMallocTrim, startMallocTrimmer, type MallocTrimAddon } from '../src/lib/malloc-trim.ts';
import { createLogger } from '../src/logger.ts';
import { metric } from './helpers/metrics.ts';
import { startTestServer } from './helpers/server.ts';

/** A logger whose lines are kept. */
function capturingLogger() {
  const lines: Record<string, any>[] = [];
  const logger = createLogger('info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

/** An addon whose trims stay pending until settled by the test. */
function fakeAddon(supported = true) {
  type Result = { released: boolean; seconds: number };
  const pending: { resolve(v: Result): void; reject(e: Error): void }[] = [];
  const addon: MallocTrimAddon = {
    supported,
    trimAsync: vi.fn(() => new Promise<Result>((resolve, reject) => void pending.push({ resolve, reject }))),
  };
  return { addon, pending };
}

const glibc = process.platform === 'linux' && Boolean((process.report.getReport() as any).header?.glibcVersionRuntime);
const loaded = loadMallocTrim();
const addonSkipReason = !glibc
  ? 'not a glibc system: malloc_trim does not exist here'
  : 'reason' in loaded
    ? `the malloc-trim addon is not built (${loaded.reason})`
    : undefined;
if (addonSkipReason) console.warn(`skipping the malloc-trim addon tests: ${addonSkipReason}`);

describe('startMallocTrimmer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('trims every interval, one at a time, and counts what it did', async () => {
    vi.useFakeTimers();
    const { addon, pending } = fakeAddon();
    const trimmer = startMallocTrimmer({ intervalMs: 100, logger: capturingLogger().logger, load: () => ({ addon }) });
    expect(trimmer.active).toBe(true);
    await vi.advanceTimersByTimeAsync(350);
    // Three ticks, but the first trim is still under way: the other two are skipped.
    expect(addon.trimAsync).toHaveBeenCalledTimes(1);
    pending[0]!.resolve({ released: true, seconds: 0.002 });
    await vi.advanceTimersByTimeAsync(100);
    expect(addon.trimAsync).toHaveBeenCalledTimes(2);
    pending[1]!.resolve({ released: false, seconds: 0.001 });
    await vi.advanceTimersByTimeAsync(0);
    expect(trimmer.stats()).toEqual({ trims: 2, released: 1, seconds: 0.003 });
    await trimmer.stop();
  });

  it('stop() waits for the trim under way, and no trim starts after it', async () => {
    vi.useFakeTimers();
    const { addon, pending } = fakeAddon();
    const trimmer = startMallocTrimmer({ intervalMs: 50, logger: capturingLogger().logger, load: () => ({ addon }) });
    await vi.advanceTimersByTimeAsync(50);
    let stopped = false;
    const stopping = trimmer.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    pending[0]!.resolve({ released: true, seconds: 0.001 });
    await stopping;
    await vi.advanceTimersByTimeAsync(500);
    expect(addon.trimAsync).toHaveBeenCalledTimes(1);
    expect(trimmer.stats().trims).toBe(1);
  });

  it('logs a failed trim once and goes on trimming', async () => {
    vi.useFakeTimers();
    const { addon, pending } = fakeAddon();
    const { logger, lines } = capturingLogger();
    const trimmer = startMallocTrimmer({ intervalMs: 10, logger, load: () => ({ addon }) });
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(10);
      pending[i]!.reject(new Error('no'));
    }
    await vi.advanceTimersByTimeAsync(10);
    expect(addon.trimAsync).toHaveBeenCalledTimes(4);
    expect(lines.filter((l) => l.msg === 'malloc_trim failed')).toHaveLength(1);
    expect(trimmer.stats().trims).toBe(0);
    pending[3]!.resolve({ released: true, seconds: 0.001 });
    await trimmer.stop();
  });

  it('does nothing with an interval of 0, without loading the addon', () => {
    const load = vi.fn();
    const trimmer = startMallocTrimmer({ intervalMs: 0, logger: capturingLogger().logger, load });
    expect(trimmer.active).toBe(false);
    expect(load).not.toHaveBeenCalled();
  });

  it('says why it does not trim when the addon is missing or the C library has no malloc_trim', () => {
    const missing = capturingLogger();
    const a = startMallocTrimmer({ intervalMs: 10, logger: missing.logger, load: () => ({ reason: 'Cannot find module' }) });
    expect(a.active).toBe(false);
    expect(missing.lines[0]).toMatchObject({ reason: 'Cannot find module', msg: expect.stringContaining('addon is not built') });
    const musl = capturingLogger();
    const { addon } = fakeAddon(false);
    const b = startMallocTrimmer({ intervalMs: 10, logger: musl.logger, load: () => ({ addon }) });
    expect(b.active).toBe(false);
    expect(musl.lines[0]?.msg).toContain('no malloc_trim');
    expect(addon.trimAsync).not.toHaveBeenCalled();
  });
});

describe.skipIf(addonSkipReason)('the malloc-trim addon', () => {
  it('hands freed memory held inside an arena back to the kernel', () => {
    // 128 MB of 4,000-byte buffers (malloc'd, below its mmap threshold), of which every eighth stays alive: the
    // other seven eighths, freed, lie between live chunks, where glibc does not return them by itself.
    const script = `
      const fs = require('node:fs');
      const { trimAsync } = require(require.resolve('@prompt-template-service/malloc-trim', { paths: [process.cwd()] }));
      const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) * 1024;
      const keep = [];
      let drop = [];
      for (let i = 0; i < 32768; i++) { const b = Buffer.allocUnsafeSlow(4000); b.fill(1); (i % 8 === 0 ? keep : drop).push(b); }
      const full = anon();
      drop = null;
      gc();
      setTimeout(async () => {
        gc();
        const before = anon();
        const { released, seconds } = await trimAsync();
        console.log(JSON.stringify({ full, before, after: anon(), released, seconds, kept: keep.length }));
      }, 200);`;
    const out = JSON.parse(execFileSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8' }));
    const MB = 1024 * 1024;
    expect(out.released).toBe(true);
    expect(out.seconds).toBeGreaterThan(0);
    expect(out.seconds).toBeLessThan(5);
    expect(out.full - out.before).toBeLessThan(16 * MB); // freeing alone gave back (almost) nothing
    expect(out.before - out.after).toBeGreaterThan(64 * MB); // of ~112 MB freed
  });

  it('is trimmed by a running service, and counted in /metrics', async () => {
    const server = await startTestServer({ env: { MALLOC_TRIM_INTERVAL_MS: '20' } });
    try {
      let text = '';
      for (let i = 0; i < 100; i++) {
        text = await (await fetch(`${server.url}/metrics`)).text();
        if (metric(text, 'malloc_trims_total', { released: 'true' }) + metric(text, 'malloc_trims_total', { released: 'false' }) >= 2) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(metric(text, 'malloc_trims_total', { released: 'true' }) + metric(text, 'malloc_trims_total', { released: 'false' })).toBeGreaterThanOrEqual(2);
      expect(metric(text, 'malloc_trim_seconds_total')).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const off = await startTestServer({ env: { MALLOC_TRIM_INTERVAL_MS: '0' } });
    try {
      const text = await (await fetch(`${off.url}/metrics`)).text();
      expect(text).not.toContain('malloc_trims_total');
    } finally {
      await off.close();
    }
  });
});
