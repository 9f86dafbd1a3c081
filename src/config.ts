import { z } from 'zod';

const DEFAULT_CATEGORIES = ['development', 'architecture', 'data', 'quality', 'communication', 'techniques'];

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every setting the service reads from the environment, with its default. */
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(4000).pipe(z.number().max(65535)),
  /** When unset, an embedded PostgreSQL is started with its data under EMBEDDED_PG_DIR. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  EMBEDDED_PG_DIR: z.string().default('.data/pg'),
  EMBEDDED_PG_PORT: int(54329, 1).pipe(z.number().max(65535)),
  DB_POOL_MAX: int(10, 1),
  DB_STATEMENT_TIMEOUT_MS: int(10_000, 1),
  DB_CONNECT_TIMEOUT_MS: int(2_000, 1),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated list of allowed template categories. */
  TEMPLATE_CATEGORIES: z
    .string()
    .default(DEFAULT_CATEGORIES.join(','))
    .transform((s) => s.split(',').map((c) => c.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z0-9_-]{1,50}$/)).min(1)),
  TEMPLATE_MAX_CONTENT_BYTES: int(100 * 1024, 1),
  PAGE_SIZE_DEFAULT: int(20, 1),
  PAGE_SIZE_MAX: int(100, 1),
  SEED_TEMPLATES: bool(true),
  /** Statements slower than this are logged and listed by performanceStats.database.slowQueries. */
  SLOW_QUERY_MS: int(200),
  /** Requests slower than this are logged and counted as slow. */
  SLOW_REQUEST_MS: int(1_000),
  /** Distinct normalised statements whose timings the service keeps (the oldest-seen beyond this are dropped). */
  STATEMENT_STATS_MAX: int(500, 1),
  /** How many of the latest requests performanceStats' latency percentiles and statements per request cover. */
  LATENCY_SAMPLE_SIZE: int(1_000, 1),
  /** Most slow queries performanceStats returns. */
  SLOW_QUERIES_LIMIT_MAX: int(100, 1),
  /** How long /ready waits for PostgreSQL and the cache before answering 503. */
  READY_TIMEOUT_MS: int(1_000, 1),
  /** Responses of at least this many bytes are compressed when the client accepts gzip or brotli. */
  COMPRESSION_MIN_BYTES: int(1_024),
  /** On SIGTERM/SIGINT, how long in-flight requests may take before their connections are closed. */
  SHUTDOWN_GRACE_MS: int(10_000),
  /** Path of the Prometheus metrics endpoint. */
  METRICS_PATH: z.string().regex(/^\/[a-z0-9/_-]*$/).default('/metrics'),
});

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly embeddedPg: { readonly dir: string; readonly port: number };
  readonly db: { readonly poolMax: number; readonly statementTimeoutMs: number; readonly connectTimeoutMs: number };
  readonly redisUrl: string | undefined;
  readonly logLevel: string;
  readonly templates: {
    readonly categories: readonly string[];
    readonly maxContentBytes: number;
  };
  readonly pagination: { readonly defaultSize: number; readonly maxSize: number };
  readonly seedTemplates: boolean;
  readonly ops: {
    readonly slowQueryMs: number;
    readonly slowRequestMs: number;
    readonly statementStatsMax: number;
    readonly slowQueriesLimitMax: number;
    readonly latencySampleSize: number;
    readonly readyTimeoutMs: number;
    readonly compressionMinBytes: number;
    readonly shutdownGraceMs: number;
    readonly metricsPath: string;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment once into a frozen Config; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX) {
    throw new ConfigError([`PAGE_SIZE_DEFAULT: ${e.PAGE_SIZE_DEFAULT} exceeds PAGE_SIZE_MAX ${e.PAGE_SIZE_MAX}`]);
  }
  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    embeddedPg: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    db: { poolMax: e.DB_POOL_MAX, statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS, connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS },
    redisUrl: e.REDIS_URL,
    logLevel: e.LOG_LEVEL,
    templates: { categories: e.TEMPLATE_CATEGORIES, maxContentBytes: e.TEMPLATE_MAX_CONTENT_BYTES },
    pagination: { defaultSize: e.PAGE_SIZE_DEFAULT, maxSize: e.PAGE_SIZE_MAX },
    seedTemplates: e.SEED_TEMPLATES,
    ops: {
      slowQueryMs: e.SLOW_QUERY_MS,
      slowRequestMs: e.SLOW_REQUEST_MS,
      statementStatsMax: e.STATEMENT_STATS_MAX,
      slowQueriesLimitMax: e.SLOW_QUERIES_LIMIT_MAX,
      latencySampleSize: e.LATENCY_SAMPLE_SIZE,
      readyTimeoutMs: e.READY_TIMEOUT_MS,
      compressionMinBytes: e.COMPRESSION_MIN_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      metricsPath: e.METRICS_PATH,
    },
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
