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
  BATCH_MAX_ITEMS: int(100, 1),
  GENERATED_CONTENT_MAX_BYTES: int(1024 * 1024, 1),
  MEMORY_DEFAULT_TTL_SECONDS: int(3600, 1),
  MEMORY_MAX_TTL_SECONDS: int(365 * 24 * 3600, 1),
  MEMORY_MAX_CONTENT_BYTES: int(100 * 1024, 1),
  MEMORY_BATCH_MAX: int(500, 1),
  MEMORY_SWEEP_INTERVAL_MS: int(60_000, 10),
  MEMORY_SWEEP_BATCH: int(1_000, 1),
  MEMORY_SWEEP_MAX_BATCHES: int(100, 1),
  EXPORT_BATCH_SIZE: int(500, 1),
  /** Prefix of every cache key, so several services (or test runs) can share one Redis. */
  CACHE_NAMESPACE: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('mcp'),
  /** Bounds of the in-process store (used when REDIS_URL is unset): entries and approximate bytes. */
  CACHE_MAX_ENTRIES: int(10_000, 1),
  CACHE_MAX_BYTES: int(64 * 1024 * 1024, 1024),
  /** Each cache call gives up after this long and the request is served from PostgreSQL. */
  CACHE_TIMEOUT_MS: int(50, 1),
  /** After this many failed or timed-out calls in a row, the store is bypassed ... */
  CACHE_BYPASS_AFTER_FAILURES: int(3, 1),
  /** ... for this long, then tried again. */
  CACHE_RETRY_INTERVAL_MS: int(1_000, 1),
  /** Cache failures are logged at most once per this interval (with the number seen since the last log). */
  CACHE_ERROR_LOG_INTERVAL_MS: int(30_000, 1),
  CACHE_TTL_TEMPLATE_MS: int(300_000, 1),
  CACHE_TTL_USAGE_MS: int(10_000, 1),
  CACHE_TTL_LIST_MS: int(60_000, 1),
  /** Each TTL is spread by up to ± this fraction so entries written together do not expire together. */
  CACHE_TTL_JITTER: z.coerce.number().min(0).max(0.5).default(0.1),
  /** Templates loaded into the cache in the background at start (0 turns warming off). */
  CACHE_WARM_COUNT: int(50, 0),
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
  /** Most items in one createTemplates / renderTemplates call. */
  readonly batchMaxItems: number;
  readonly content: { readonly maxBytes: number };
  readonly memory: {
    readonly defaultTtlSeconds: number;
    readonly maxTtlSeconds: number;
    readonly maxContentBytes: number;
    readonly batchMax: number;
    readonly sweepIntervalMs: number;
    readonly sweepBatch: number;
    readonly sweepMaxBatches: number;
  };
  /** Rows fetched per round trip by the streaming exports. */
  readonly exportBatchSize: number;
  readonly cache: CacheConfig;
}

export interface CacheConfig {
  readonly namespace: string;
  readonly maxEntries: number;
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly bypassAfterFailures: number;
  readonly retryIntervalMs: number;
  readonly errorLogIntervalMs: number;
  readonly ttl: { readonly templateMs: number; readonly usageMs: number; readonly listMs: number };
  readonly ttlJitter: number;
  readonly warmCount: number;
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
    batchMaxItems: e.BATCH_MAX_ITEMS,
    content: { maxBytes: e.GENERATED_CONTENT_MAX_BYTES },
    memory: {
      defaultTtlSeconds: e.MEMORY_DEFAULT_TTL_SECONDS,
      maxTtlSeconds: e.MEMORY_MAX_TTL_SECONDS,
      maxContentBytes: e.MEMORY_MAX_CONTENT_BYTES,
      batchMax: e.MEMORY_BATCH_MAX,
      sweepIntervalMs: e.MEMORY_SWEEP_INTERVAL_MS,
      sweepBatch: e.MEMORY_SWEEP_BATCH,
      sweepMaxBatches: e.MEMORY_SWEEP_MAX_BATCHES,
    },
    exportBatchSize: e.EXPORT_BATCH_SIZE,
    cache: {
      namespace: e.CACHE_NAMESPACE,
      maxEntries: e.CACHE_MAX_ENTRIES,
      maxBytes: e.CACHE_MAX_BYTES,
      timeoutMs: e.CACHE_TIMEOUT_MS,
      bypassAfterFailures: e.CACHE_BYPASS_AFTER_FAILURES,
      retryIntervalMs: e.CACHE_RETRY_INTERVAL_MS,
      errorLogIntervalMs: e.CACHE_ERROR_LOG_INTERVAL_MS,
      ttl: { templateMs: e.CACHE_TTL_TEMPLATE_MS, usageMs: e.CACHE_TTL_USAGE_MS, listMs: e.CACHE_TTL_LIST_MS },
      ttlJitter: e.CACHE_TTL_JITTER,
      warmCount: e.CACHE_WARM_COUNT,
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
