/** Parent of PerformanceStats' fields: each field computes its own part on demand. */
export interface PerformanceStatsSource {
  generatedAt: Date;
}

/** Parent of DatabasePerformance's fields (all computed on demand). */
export type DatabasePerformanceSource = Record<string, never>;
