/**
 * Garbage-collection figures of a server under load: counted in its process from Node's 'gc' performance
 * entries (`countCollections`), summarised by the runner per request and against the CPU time the server used
 * (`summariseCollections`).
 */
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { round } from './round.ts';

/** young: a scavenge; full: a mark-compact; incremental: a step of incremental marking; weak: weak callbacks. */
export type GcKind = 'young' | 'full' | 'incremental' | 'weak';

/** How many collections of each kind, and for how many milliseconds they paused the main thread. */
export type Collections = Record<GcKind, { count: number; pauseMs: number }>;

const KINDS: Record<number, GcKind> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'young',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'full',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak',
};

const none = (): Collections => ({
  young: { count: 0, pauseMs: 0 },
  full: { count: 0, pauseMs: 0 },
  incremental: { count: 0, pauseMs: 0 },
  weak: { count: 0, pauseMs: 0 },
});

/**
 * Counts this process's collections from now on. Node reports them a moment after they happen (the entries are
 * delivered on a later turn of the event loop). What V8's helper threads do meanwhile (concurrent marking,
 * parallel scavenging) pauses nothing and is not in the pause times; it is in the process's CPU time.
 */
export function countCollections(): { read(): Collections; reset(): void; stop(): void } {
  let counted = none();
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = KINDS[(entry as { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (!kind) continue;
      counted[kind].count++;
      counted[kind].pauseMs += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    read: () => structuredClone(counted),
    reset: () => void (counted = none()),
    stop: () => observer.disconnect(),
  };
}

export interface CollectionSummary extends Collections {
  /** All pauses over the requests answered, in µs per request. */
  pauseUsPerRequest: number | null;
  /** All pauses as a share of the CPU time the server used (helper threads' time included in the latter). */
  pauseShareOfCpu: number | null;
}

/** The run's collections per request, and their pauses as a share of the server's CPU time (when known). */
export function summariseCollections(gc: Collections, requests: number, serverCpuMs: number | null): CollectionSummary {
  const pauseMs = Object.values(gc).reduce((sum, k) => sum + k.pauseMs, 0);
  const kinds = Object.fromEntries(
    Object.entries(gc).map(([kind, k]) => [kind, { count: k.count, pauseMs: round(k.pauseMs, 1) ?? 0 }]),
  ) as Collections;
  return {
    ...kinds,
    pauseUsPerRequest: round((pauseMs * 1000) / requests, 1),
    pauseShareOfCpu: serverCpuMs === null ? null : round(pauseMs / serverCpuMs, 3),
  };
}
