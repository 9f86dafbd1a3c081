import { createRequire } from 'node:module';
import type { Logger } from '../logger.ts';

/** The optional addon in src/native/malloc-trim (built by node-gyp at install). */
export interface MallocTrimAddon {
  /** Whether the C library has malloc_trim (glibc); elsewhere the calls do nothing. */
  readonly supported: boolean;
  /** malloc_trim(0) on a libuv pool thread: whether any memory went back to the kernel, and how long it took there. */
  trimAsync(): Promise<{ released: boolean; seconds: number }>;
}

const ADDON = '@prompt-template-service/malloc-trim';

/** The addon, or why it is not there (not built: no compiler at install, say). */
export function loadMallocTrim(): { addon: MallocTrimAddon } | { reason: string } {
  try {
    return { addon: createRequire(import.meta.url)(ADDON) as MallocTrimAddon };
  } catch (err) {
    return { reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

export interface MallocTrimStats {
  /** Trims done, and how many of them handed memory back. */
  readonly trims: number;
  readonly released: number;
  /** Seconds the trims took on the pool thread, in all. */
  readonly seconds: number;
}

export interface MallocTrimmer {
  /** Whether trims are scheduled (an interval set, and the addon there and supported). */
  readonly active: boolean;
  stats(): MallocTrimStats;
  /** Stops the schedule; resolves when a trim under way has finished. */
  stop(): Promise<void>;
}

export interface MallocTrimOptions {
  /** Milliseconds between trims; 0: none. */
  intervalMs: number;
  logger: Logger;
  /** Where the addon comes from (tests give their own). */
  load?: () => ReturnType<typeof loadMallocTrim>;
}

/**
 * Every `intervalMs`, hands the free pages inside glibc's malloc arenas back to the kernel. glibc returns free
 * memory only from the top of an arena; what V8's compiler threads and the server's buffers free below it stays
 * in the process's RSS (under load, the arenas held 46 MB with 14 MB in use, and a trim gave back 29 MB). The
 * trim runs on libuv's pool, not the event loop, one at a time (a tick that finds one under way is skipped).
 */
export function startMallocTrimmer(options: MallocTrimOptions): MallocTrimmer {
  let trims = 0;
  let released = 0;
  let seconds = 0;
  const stats = (): MallocTrimStats => ({ trims, released, seconds });
  const inactive: MallocTrimmer = { active: false, stats, stop: async () => {} };
  if (options.intervalMs <= 0) return inactive;
  const loaded = (options.load ?? loadMallocTrim)();
  if ('reason' in loaded) {
    options.logger.info({ reason: loaded.reason }, 'malloc arenas are not trimmed: the malloc-trim addon is not built');
    return inactive;
  }
  const { addon } = loaded;
  if (!addon.supported) {
    options.logger.info('malloc arenas are not trimmed: this C library has no malloc_trim');
    return inactive;
  }
  let running: Promise<void> | undefined;
  let warned = false;
  const timer = setInterval(() => {
    if (running) return;
    running = addon
      .trimAsync()
      .then((result) => {
        trims++;
        if (result.released) released++;
        seconds += result.seconds;
      })
      .catch((err: unknown) => {
        if (!warned) options.logger.warn({ err }, 'malloc_trim failed');
        warned = true;
      })
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    active: true,
    stats,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
