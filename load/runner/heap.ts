/**
 * What V8's heap held at the service's highest resident set: the part of the peak RSS that is the JavaScript heap,
 * by kind of space, so that a peak can be told apart into the young generation, the old one, compiled code and
 * what lies outside the heap (malloc's arenas, stacks, the node binary's pages).
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { round } from './round.ts';

export type HeapGroup = 'young' | 'old' | 'code' | 'other';

/** The physical (resident) size of V8's heap spaces at the highest RSS sample, in bytes, by group. */
export interface HeapAtPeak {
  rssBytes: number;
  heap: Record<HeapGroup, number>;
}

/**
 * The group of a V8 heap space: the young generation (new objects and new large objects), the old one (objects
 * that survived, large objects), code (machine code, and the trusted spaces that hold bytecode and its metadata),
 * and the rest (read-only and shared spaces).
 */
export function heapGroup(space: string): HeapGroup {
  if (space === 'new_space' || space === 'new_large_object_space') return 'young';
  if (space === 'old_space' || space === 'large_object_space') return 'old';
  if (/^(code|trusted|shared_trusted)_/.test(space)) return 'code';
  return 'other';
}

type SpaceReading = ReadonlyArray<{ space_name: string; physical_space_size: number }>;

/**
 * Keeps the breakdown of V8's heap taken at the highest RSS sampled since the last reset. Sampling costs a read
 * of the RSS; the heap's spaces are read only when the RSS is higher than any before.
 */
export class PeakMemory {
  #peak: HeapAtPeak | null = null;

  constructor(
    private readonly readRss: () => number = () => process.memoryUsage.rss(),
    private readonly readSpaces: () => SpaceReading = getHeapSpaceStatistics,
  ) {}

  sample(): void {
    const rssBytes = this.readRss();
    if (this.#peak && rssBytes <= this.#peak.rssBytes) return;
    const heap: Record<HeapGroup, number> = { young: 0, old: 0, code: 0, other: 0 };
    for (const s of this.readSpaces()) heap[heapGroup(s.space_name)] += s.physical_space_size;
    this.#peak = { rssBytes, heap };
  }

  reset(): void {
    this.#peak = null;
  }

  read(): HeapAtPeak | null {
    return this.#peak;
  }
}

/** The breakdown in MB, as the runner reports it: the RSS, V8's heap by group, and what lies outside the heap. */
export interface HeapAtPeakSummary {
  rssMb: number;
  v8HeapMb: number;
  youngMb: number;
  oldMb: number;
  codeMb: number;
  otherMb: number;
  outsideHeapMb: number;
}

export function summariseHeapAtPeak(peak: HeapAtPeak | null): HeapAtPeakSummary | null {
  if (!peak) return null;
  const mb = (bytes: number) => round(bytes / 1048576, 1)!; // byte counts are finite: never null
  const { young, old, code, other } = peak.heap;
  const v8 = young + old + code + other;
  return {
    rssMb: mb(peak.rssBytes),
    v8HeapMb: mb(v8),
    youngMb: mb(young),
    oldMb: mb(old),
    codeMb: mb(code),
    otherMb: mb(other),
    outsideHeapMb: mb(peak.rssBytes - v8),
  };
}
