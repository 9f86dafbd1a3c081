/** Parent of PerformanceStats' fields: each field computes its own part on demand. */
export interface PerformanceStatsSource {
  generatedAt: Date;
}

/** Parent of DatabasePerformance's fields, computed on demand. */
export interface DatabasePerformanceSource {
  /** Whether pg_stat_statements is installed and readable; asked once per request however many fields need it. */
  pgStatStatementsUsable(): Promise<boolean>;
}
