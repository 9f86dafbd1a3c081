import { createCounter, usePrometheus } from '@graphql-yoga/plugin-prometheus';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { CacheStatsSource } from './cache-stats.ts';

export interface ServiceMetrics {
  registry: Registry;
  /** Seconds per SQL statement, by issuing repository function and outcome. */
  statementDuration: Histogram<'repository_function' | 'outcome'>;
}

const DB_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * A registry of its own (so several servers in one process never share series) holding the process
 * metrics (RSS, heap, event-loop lag, CPU), SQL statement durations, the pool and the cache.
 */
export function createServiceMetrics(options: { pool: pg.Pool; cache?: CacheStatsSource | undefined }): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const statementDuration = new Histogram({
    name: 'db_statement_duration_seconds',
    help: 'SQL statement duration by issuing repository function',
    labelNames: ['repository_function', 'outcome'] as const,
    buckets: DB_BUCKETS,
    registers: [registry],
  });
  const { pool } = options;
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL pool connections: total, idle, waiting clients and the configured max',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
      this.set({ state: 'max' }, pool.options.max ?? 0);
    },
  });
  const cache = options.cache;
  if (cache) {
    // The cache keeps cumulative counters of its own; these series mirror them at scrape time.
    new Counter({
      name: 'cache_requests_total',
      help: 'Cache lookups by kind of value and result (hit, miss, error)',
      labelNames: ['kind', 'result'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [kind, c] of Object.entries(cache.stats().byKind)) {
          this.inc({ kind, result: 'hit' }, c.hits);
          this.inc({ kind, result: 'miss' }, c.misses);
          this.inc({ kind, result: 'error' }, c.errors);
        }
      },
    });
    new Gauge({
      name: 'cache_keys',
      help: 'Keys held by the cache',
      registers: [registry],
      collect() {
        this.set(cache.stats().keyCount);
      },
    });
  }
  return { registry, statementDuration };
}

/**
 * yoga's Prometheus plugin on our registry: operation duration histograms and counts by operation name and
 * type, errors by `extensions.code` and phase, and HTTP durations by method and status, served at `endpoint`.
 */
export function useServiceMetrics(metrics: ServiceMetrics, endpoint: string): Plugin {
  const { registry } = metrics;
  return usePrometheus({
    registry,
    endpoint,
    // The plugin's defaults also turn on a per-phase histogram for parse, validate, context, execute and subscribe,
    // a request-time summary, a schema-change counter and a deprecated-field counter that walks every document
    // with a TypeInfo. None is documented or needed, and together they cost ~10% of a cached request's CPU: off.
    metrics: {
      graphql_envelop_deprecated_field: false,
      graphql_envelop_request_time_summary: false,
      graphql_envelop_phase_parse: false,
      graphql_envelop_phase_validate: false,
      graphql_envelop_phase_context: false,
      graphql_envelop_phase_execute: false,
      graphql_envelop_phase_subscribe: false,
      graphql_envelop_schema_change: false,
      graphql_envelop_request: true,
      graphql_envelop_request_duration: true,
      graphql_yoga_http_duration: true,
      graphql_envelop_error_result: createCounter({
        registry,
        counter: {
          name: 'graphql_envelop_error_result',
          help: 'GraphQL errors by operation, phase and extensions.code',
          labelNames: ['operationName', 'operationType', 'phase', 'code'] as const,
        },
        fillLabelsFn: (params) => ({
          operationName: params.operationName ?? 'Anonymous',
          operationType: params.operationType ?? 'unknown',
          phase: params.errorPhase ?? 'unknown',
          code: errorCode(params.error),
        }),
      }),
    },
    labels: { url: false, path: false },
  });
}

/**
 * An error's `extensions.code` as the client sees it: a lost database is `SERVICE_UNAVAILABLE` (the error policy
 * answers it so), any other uncoded error is masked as `INTERNAL_SERVER_ERROR`.
 */
export function errorCode(error: GraphQLError | undefined): string {
  const code = error?.extensions?.code;
  if (typeof code === 'string') return code;
  return error && isDatabaseUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
}
