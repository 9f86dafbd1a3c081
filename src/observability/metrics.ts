import type { GraphQLError } from 'graphql';
import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import type pg from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import type { MallocTrimmer } from '../lib/malloc-trim.ts';
import type { CacheStatsSource } from './cache-stats.ts';
import { KeyedHistogram } from './keyed-histogram.ts';
import { operationOf } from './request-context.ts';

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
export function createServiceMetrics(options: {
  pool: pg.Pool;
  cache?: CacheStatsSource | undefined;
  mallocTrim?: MallocTrimmer | undefined;
}): ServiceMetrics {
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
  const mallocTrim = options.mallocTrim;
  if (mallocTrim?.active) {
    new Counter({
      name: 'malloc_trims_total',
      help: "Trims of glibc's malloc arenas (MALLOC_TRIM_INTERVAL_MS), by whether memory went back to the kernel",
      labelNames: ['released'] as const,
      registers: [registry],
      collect() {
        const s = mallocTrim.stats();
        this.reset();
        this.inc({ released: 'true' }, s.released);
        this.inc({ released: 'false' }, s.trims - s.released);
      },
    });
    new Counter({
      name: 'malloc_trim_seconds_total',
      help: "Seconds malloc_trim took on libuv's thread pool, in all",
      registers: [registry],
      collect() {
        this.reset();
        this.inc(mallocTrim.stats().seconds);
      },
    });
  }
  return { registry, statementDuration };
}

/** prom-client's default buckets, which these series have always had: 5 ms to 10 s. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface RequestMetrics {
  /** performance.now() when the request arrived, and when its parsing began (unset: not a GraphQL request). */
  startedAt: number;
  parseStartedAt: number | undefined;
  operationName: string;
  operationType: string;
}

/**
 * The GraphQL metrics, on our registry, which is served at `endpoint` in the Prometheus text format:
 * - `graphql_envelop_request` and `graphql_envelop_request_duration` (seconds from parsing to the end of
 *   execution) by `operationName` and `operationType`;
 * - `graphql_envelop_error_result` by operation, `phase` (parse, validate, context, execute) and `code`, the
 *   `extensions.code` the client is sent;
 * - `graphql_yoga_http_duration` (seconds from the request's arrival to its response) by operation, `method` and
 *   `statusCode`.
 *
 * The names and labels are those of graphql-yoga's Prometheus plugin, which this replaces: it cost a cached
 * `template(id)` about a fifth of its CPU instructions (a wrapper per phase, label objects built, filtered and
 * hashed at each observation). Here a request keeps one record, and its series are found by a key made of its
 * operation (see KeyedHistogram); the request counter is the duration series' counts.
 */
export function useServiceMetrics(metrics: ServiceMetrics, endpoint: string): Plugin {
  const { registry } = metrics;
  const operationLabels = ['operationName', 'operationType'] as const;
  const requestDuration = new KeyedHistogram({
    name: 'graphql_envelop_request_duration',
    help: 'Seconds from parsing a GraphQL operation to the end of its execution',
    labelNames: operationLabels,
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });
  // Counted where the duration is observed: the count of each duration series, read at scrape time.
  new Counter({
    name: 'graphql_envelop_request',
    help: 'GraphQL operations executed',
    labelNames: operationLabels,
    registers: [registry],
    collect() {
      this.reset();
      for (const { labels, count } of requestDuration.counts()) this.inc(labels, count);
    },
  });
  const errors = new Counter({
    name: 'graphql_envelop_error_result',
    help: 'GraphQL errors by operation, phase and extensions.code',
    labelNames: ['operationName', 'operationType', 'phase', 'code'] as const,
    registers: [registry],
  });
  const httpDuration = new KeyedHistogram({
    name: 'graphql_yoga_http_duration',
    help: 'Seconds from a GraphQL request to its response, by operation, method and status',
    labelNames: ['operationName', 'operationType', 'method', 'statusCode'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [registry],
  });

  const byRequest = new WeakMap<Request, RequestMetrics>();
  const operationKey = (m: RequestMetrics) => `${m.operationType} ${m.operationName}`;
  const countError = (m: RequestMetrics | undefined, phase: string, code: string) =>
    errors.inc({ operationName: m?.operationName ?? 'Anonymous', operationType: m?.operationType ?? 'unknown', phase, code });
  const endOperation = (m: RequestMetrics) => {
    requestDuration
      .series(operationKey(m), () => ({ operationName: m.operationName, operationType: m.operationType }))
      .observe((performance.now() - (m.parseStartedAt ?? m.startedAt)) / 1000);
  };
  const countExecutionErrors = (m: RequestMetrics, result: { errors?: readonly GraphQLError[] | undefined }) => {
    if (result.errors) for (const e of result.errors) countError(m, 'execute', errorCode(e));
  };

  return {
    onRequest({ request, url, fetchAPI, endResponse }) {
      if (url.pathname === endpoint) {
        return registry.metrics().then((text) => {
          endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType } }));
        });
      }
      byRequest.set(request, { startedAt: performance.now(), parseStartedAt: undefined, operationName: 'Anonymous', operationType: 'unknown' });
      return undefined;
    },
    onParse({ context }) {
      const m = byRequest.get(context.request);
      if (!m) return undefined;
      m.parseStartedAt = performance.now();
      return ({ result }) => {
        if (result instanceof Error) {
          countError(m, 'parse', errorCode(result as GraphQLError, 'GRAPHQL_PARSE_FAILED'));
          return;
        }
        if (!result) return;
        const op = operationOf(result, context.params.operationName);
        m.operationName = op.name;
        m.operationType = op.type ?? 'unknown';
      };
    },
    onValidate({ context }) {
      return ({ valid, result }) => {
        if (valid) return;
        const m = byRequest.get(context.request);
        for (const e of result) countError(m, 'validate', errorCode(e, 'GRAPHQL_VALIDATION_FAILED'));
      };
    },
    onPluginInit({ registerContextErrorHandler }) {
      registerContextErrorHandler(({ context, error }) => {
        const request = (context as { request?: Request }).request;
        countError(request && byRequest.get(request), 'context', errorCode(error as GraphQLError));
      });
    },
    onExecute({ args }) {
      const request = (args.contextValue as { request?: Request }).request;
      const m = request && byRequest.get(request);
      if (!m) return undefined;
      return {
        onExecuteDone({ result }) {
          if (!isAsyncIterable(result)) {
            countExecutionErrors(m, result);
            endOperation(m);
            return undefined;
          }
          // @defer and @stream: one result per increment, and the operation ends with the last.
          return {
            onNext: ({ result: next }) => countExecutionErrors(m, next),
            onEnd: () => endOperation(m),
          };
        },
      };
    },
    onResponse({ request, response }) {
      const m = byRequest.get(request);
      // Only GraphQL requests, those that got as far as parsing: not /health, /ready or GraphiQL's page.
      if (!m || m.parseStartedAt === undefined) return;
      const method = request.method;
      const status = response.status;
      httpDuration.series(`${method} ${status} ${operationKey(m)}`, () => ({
        operationName: m.operationName,
        operationType: m.operationType,
        method,
        statusCode: String(status),
      })).observe((performance.now() - m.startedAt) / 1000);
    },
  };
}

/**
 * An error's `extensions.code` as the client sees it: a lost database is `SERVICE_UNAVAILABLE` (the error policy
 * answers it so), any other uncoded error is masked as `INTERNAL_SERVER_ERROR`. `uncoded` is the code an error not
 * coded yet will be sent with: graphql-yoga codes parse and validation errors only as it answers.
 */
export function errorCode(error: GraphQLError | undefined, uncoded?: string): string {
  const code = error?.extensions?.code;
  if (typeof code === 'string') return code;
  if (uncoded !== undefined) return uncoded;
  return error && isDatabaseUnavailable(error) ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR';
}
