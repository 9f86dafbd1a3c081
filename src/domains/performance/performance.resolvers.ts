import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { badInput } from '../../errors.ts';
import type { Observability } from '../../observability/observability.ts';
import { findPgStatStatementsReadable, findSlowStatementsFromPgStat } from './performance.repository.ts';

function observability(ctx: Context): Observability {
  const obs = ctx.deps.observability;
  if (!obs) throw new Error('performanceStats needs deps.observability (createServer sets it)');
  return obs;
}

/** Each sub-object resolves on its own, so a dashboard asking only for `system` runs no SQL. */
export const performanceResolvers: Resolvers = {
  Query: {
    performanceStats: () => ({ generatedAt: new Date() }),
  },
  PerformanceStats: {
    database: (_, __, ctx) => {
      let usable: Promise<boolean> | undefined;
      return { pgStatStatementsUsable: () => (usable ??= findPgStatStatementsReadable(ctx.deps.db)) };
    },
    cache: (_, __, ctx) => {
      const s = observability(ctx).cacheStats();
      return {
        hitRatio: s.hitRatio,
        keyCount: s.keyCount,
        hits: s.hits,
        misses: s.misses,
        errors: s.errors,
        byKind: Object.entries(s.byKind).map(([kind, c]) => ({ kind, ...c })),
      };
    },
    application: (_, __, ctx) => {
      const a = observability(ctx).requests.snapshot();
      return {
        requestsPerSecond: a.requestsPerSecond,
        latencyMs: a.latencyMs,
        errorRate: a.errorRate,
        slowRequests: a.slowRequests,
        requests: a.requests,
        uptimeSeconds: a.uptimeSeconds,
      };
    },
    system: (_, __, ctx) => observability(ctx).system(),
  },
  DatabasePerformance: {
    pool: (_, __, ctx) => {
      const pool = ctx.deps.dbHandle.pool;
      return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 0 };
    },
    slowQueriesSource: async (src) => ((await src.pgStatStatementsUsable()) ? 'PG_STAT_STATEMENTS' : 'SERVICE'),
    slowQueries: async (src, { limit }, ctx) => {
      const max = ctx.deps.config.ops.slowQueriesLimitMax;
      const n = limit ?? 10;
      if (n < 1 || n > max) throw badInput(`limit must be between 1 and ${max}`, { limit: n });
      const minMs = ctx.deps.config.ops.slowQueryMs;
      if (await src.pgStatStatementsUsable()) {
        const rows = await findSlowStatementsFromPgStat(ctx.deps.db, { minMeanMs: minMs, limit: n });
        return rows.map((r) => ({
          statement: r.statement,
          repositoryFunction: null,
          count: r.calls,
          meanMs: r.mean_ms,
          maxMs: r.max_ms,
          totalMs: r.total_ms,
        }));
      }
      return observability(ctx).statements.slowest(minMs, n).map((s) => ({
        statement: s.statement,
        repositoryFunction: s.repositoryFunction,
        count: s.calls,
        meanMs: s.meanMs,
        maxMs: s.maxMs,
        totalMs: s.totalMs,
      }));
    },
    statementsPerRequest: (_, __, ctx) => observability(ctx).requests.snapshot().statementsPerRequest,
  },
};
