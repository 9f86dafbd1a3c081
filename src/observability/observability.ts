import type { Config } from '../config.ts';
import type { DbHandle, QueryEvent } from '../db/create-db.ts';
import type { MallocTrimmer } from '../lib/malloc-trim.ts';
import type { Logger } from '../logger.ts';
import { EMPTY_CACHE_STATS, type CacheStatsSnapshot, type CacheStatsSource } from './cache-stats.ts';
import { createServiceMetrics, type ServiceMetrics } from './metrics.ts';
import { checkReadiness, type ReadinessReport } from './readiness.ts';
import { RequestStats } from './request-stats.ts';
import { currentRequest } from './request-context.ts';
import { StatementStats } from './statement-stats.ts';
import { createSystemStats, type SystemSnapshot } from './system-stats.ts';

/** Everything the operations side measures, created once per server. */
export interface Observability {
  metrics: ServiceMetrics;
  statements: StatementStats;
  requests: RequestStats;
  system(): Promise<SystemSnapshot>;
  cacheStats(): CacheStatsSnapshot;
  readiness(): Promise<ReadinessReport>;
  /** Stops listening to the database. */
  close(): void;
}

export interface ObservabilityDeps {
  config: Config;
  dbHandle: DbHandle;
  logger: Logger;
  cache?: CacheStatsSource | undefined;
  mallocTrim?: MallocTrimmer | undefined;
}

/**
 * Subscribes to every SQL statement: times it by repository function (Prometheus and in-memory stats), counts
 * it against the current request, and logs it when slower than SLOW_QUERY_MS (shape only, never values).
 */
export function createObservability(deps: ObservabilityDeps): Observability {
  const { config, dbHandle, logger, cache } = deps;
  const ops = config.ops;
  const metrics = createServiceMetrics({ pool: dbHandle.pool, cache, mallocTrim: deps.mallocTrim });
  const statements = new StatementStats(ops.statementStatsMax);
  const requests = new RequestStats({ sampleSize: ops.latencySampleSize, slowRequestMs: ops.slowRequestMs });
  const system = createSystemStats(config.embeddedPg.dir && !config.databaseUrl ? config.embeddedPg.dir : process.cwd());

  const off = dbHandle.onQuery((e: QueryEvent) => {
    const failed = e.error !== undefined;
    metrics.statementDuration.observe(
      { repository_function: e.repositoryFunction, outcome: failed ? 'error' : 'ok' },
      e.durationMs / 1000,
    );
    statements.record(e.statement, e.repositoryFunction, e.durationMs, failed);
    const req = currentRequest();
    if (e.durationMs >= ops.slowQueryMs) {
      (req?.logger ?? logger).warn(
        { statement: e.statement, repositoryFunction: e.repositoryFunction, durationMs: Math.round(e.durationMs) },
        'slow statement',
      );
    }
  });

  return {
    metrics,
    statements,
    requests,
    system: () => system.snapshot(),
    cacheStats: () => (cache ? cache.stats() : EMPTY_CACHE_STATS),
    readiness: () => checkReadiness({ pool: dbHandle.pool, cache, timeoutMs: ops.readyTimeoutMs }),
    close: off,
  };
}
