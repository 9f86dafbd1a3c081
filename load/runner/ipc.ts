/** The messages between the runner and its server child processes. */
import type { MallocTrimStats } from '../../src/lib/malloc-trim.ts';
import type { Collections } from './gc.ts';
import type { HeapAtPeak } from './heap.ts';

export interface CacheFigures {
  hits: number;
  misses: number;
  errors: number;
  hitRatio: number;
  store: string;
  byKind: Record<string, { hits: number; misses: number; errors: number }>;
}

export interface ChildStats {
  /** SQL statements executed since the last reset, and how many of them failed. */
  statements: number;
  failedStatements: number;
  /** Most pool clients checked out at once, and most requests waiting for one, since the last reset. */
  poolPeakBusy: number;
  poolPeakWaiting: number;
  poolMax: number;
  cacheAtReset: CacheFigures | undefined;
  cacheNow: CacheFigures | undefined;
  memory: NodeJS.MemoryUsage;
  /** V8's heap, by group of spaces, at the highest RSS sampled (every 200 ms) since the reset; null before a sample. */
  heapAtPeak: HeapAtPeak | null;
  /** Share of time the event loop was busy since the reset, and how late its timers fired. */
  eventLoop: { utilization: number; delayP50Ms: number; delayP99Ms: number; delayMaxMs: number };
  /**
   * Milliseconds from the service's HTTP server seeing a request to its response finishing, since the reset:
   * what the service itself took. The rest of a client-side latency is spent before the server reads the
   * request (socket buffers while its event loop is busy) or in the load generator.
   */
  serviceTimeMs: { requests: number; p50: number; p95: number; p99: number; max: number };
  /** Garbage collections since the reset: how many of each kind, and how long they paused the main thread. */
  gc: Collections;
  /** Trims of the malloc arenas since the reset (none when the service does not trim: `active` false). */
  mallocTrim: MallocTrimStats & { active: boolean };
}

export type ToChild = { type: 'reset' } | { type: 'stats' } | { type: 'stop' };

export type FromChild =
  | { type: 'ready'; url: string; pid: number }
  | { type: 'reset-done' }
  | { type: 'stats'; stats: ChildStats };
