const DEFAULT_CATEGORIES = ['development', 'architecture', 'data', 'quality', 'communication', 'techniques'];

/**
 * One setting: its raw value from the environment (undefined when unset or empty) to its typed value, or a
 * thrown SettingProblem saying what is wrong with it. Plain readers rather than a schema library: one would stay
 * loaded for the life of the process to read the environment once (zod: 3.2 MB of V8 heap, 5.5 MB of RSS).
 */
type Setting<T> = (raw: string | undefined) => T;

class SettingProblem extends Error {}

const YES = ['true', '1', 'yes'];
const NO = ['false', '0', 'no'];

function int(def: number, min = 0, max = Number.MAX_SAFE_INTEGER): Setting<number> {
  return (raw) => {
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isSafeInteger(n)) throw new SettingProblem(`expected an integer, got "${raw}"`);
    if (n < min) throw new SettingProblem(`must be at least ${min}, got ${n}`);
    if (n > max) throw new SettingProblem(`must be at most ${max}, got ${n}`);
    return n;
  };
}

function fraction(def: number, min: number, max: number): Setting<number> {
  return (raw) => {
    if (raw === undefined) return def;
    const n = Number(raw);
    if (!Number.isFinite(n)) throw new SettingProblem(`expected a number, got "${raw}"`);
    if (n < min || n > max) throw new SettingProblem(`must be between ${min} and ${max}, got ${n}`);
    return n;
  };
}

function optionalOneOf<const T extends string>(values: readonly T[]): Setting<T | undefined> {
  return (raw) => {
    if (raw === undefined) return undefined;
    if (!(values as readonly string[]).includes(raw)) {
      throw new SettingProblem(`expected one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };
}

function oneOf<const T extends string>(values: readonly T[], def: T): Setting<T> {
  const read = optionalOneOf(values);
  return (raw) => read(raw) ?? def;
}

function optionalBool(): Setting<boolean | undefined> {
  const read = optionalOneOf([...YES, ...NO]);
  return (raw) => {
    const v = read(raw);
    return v === undefined ? undefined : YES.includes(v);
  };
}

function bool(def: boolean): Setting<boolean> {
  const read = optionalBool();
  return (raw) => read(raw) ?? def;
}

function string(def: string, pattern?: RegExp): Setting<string> {
  return (raw) => {
    if (raw === undefined) return def;
    if (pattern && !pattern.test(raw)) throw new SettingProblem(`"${raw}" does not match ${pattern}`);
    return raw;
  };
}

/** An optional URL whose scheme is one of `protocols` (without the colon). */
function url(...protocols: string[]): Setting<string | undefined> {
  return (raw) => {
    if (raw === undefined) return undefined;
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new SettingProblem('expected a URL');
    }
    if (!protocols.includes(parsed.protocol.slice(0, -1))) {
      throw new SettingProblem(`expected a ${protocols.map((p) => `${p}://`).join(' or ')} URL`);
    }
    return raw;
  };
}

/** A comma-separated list, each item trimmed and matching `item`; at least one. */
function list(def: readonly string[], item: RegExp): Setting<string[]> {
  return (raw) => {
    if (raw === undefined) return [...def];
    const items = raw.split(',').map((c) => c.trim()).filter(Boolean);
    if (items.length === 0) throw new SettingProblem('expected at least one item');
    const bad = items.filter((c) => !item.test(c));
    if (bad.length) throw new SettingProblem(`${bad.map((c) => `"${c}"`).join(', ')} do${bad.length === 1 ? 'es' : ''} not match ${item}`);
    return items;
  };
}

/** Every setting the service reads from the environment, with its default. */
const settings = {
  NODE_ENV: oneOf(['development', 'production', 'test'], 'development'),
  HOST: string('0.0.0.0'),
  PORT: int(4000, 0, 65535),
  /** When unset, an embedded PostgreSQL is started with its data under EMBEDDED_PG_DIR. */
  DATABASE_URL: url('postgres', 'postgresql'),
  EMBEDDED_PG_DIR: string('.data/pg'),
  EMBEDDED_PG_PORT: int(54329, 1, 65535),
  DB_POOL_MAX: int(10, 1),
  DB_STATEMENT_TIMEOUT_MS: int(10_000, 1),
  /** Waiting for a pooled connection (and connecting); below 2 s so requests fail fast while PostgreSQL is down. */
  DB_CONNECT_TIMEOUT_MS: int(1_500, 1),
  DB_PREPARED_STATEMENTS_MAX: int(200, 0),
  REDIS_URL: url('redis', 'rediss'),
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info'),
  /** Comma-separated list of allowed template categories. */
  TEMPLATE_CATEGORIES: list(DEFAULT_CATEGORIES, /^[a-z0-9_-]{1,50}$/),
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
  CACHE_NAMESPACE: string('mcp', /^[A-Za-z0-9_.-]{1,64}$/),
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
  CACHE_TTL_JITTER: fraction(0.1, 0, 0.5),
  /** Templates loaded into the cache in the background at start (0 turns warming off). */
  CACHE_WARM_COUNT: int(50, 0),
  /**
   * Keys whose latest local invalidation is remembered one by one (so a load racing a write to one key does not
   * keep other keys of its kind out of the cache); beyond this the oldest are folded into a per-kind floor.
   */
  CACHE_INVALIDATION_TRACK_MAX: int(10_000, 1),
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
  /**
   * Responses up to this many bytes are compressed on the event loop (tens of microseconds); larger ones on
   * libuv's thread pool, whose hand-off costs more CPU than compressing a small body does.
   */
  COMPRESSION_SYNC_MAX_BYTES: int(65_536),
  /** On SIGTERM/SIGINT, how long in-flight requests may take before their connections are closed. */
  SHUTDOWN_GRACE_MS: int(10_000),
  /** Every this many ms the free pages of glibc's malloc arenas go back to the kernel (0: never). */
  MALLOC_TRIM_INTERVAL_MS: int(1_000),
  /** Path of the Prometheus metrics endpoint. */
  METRICS_PATH: string('/metrics', /^\/[a-z0-9/_-]*$/),
  /** `off` or `required`; unset means `required` when NODE_ENV=production, else `off`. */
  AUTH_MODE: optionalOneOf(['off', 'required']),
  AUTH_CACHE_TTL_MS: int(5_000, 0),
  RATE_LIMIT_MAX: int(600, 0),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1),
  RATE_LIMIT_REDIS_PREFIX: string('pts:ratelimit:'),
  GRAPHQL_MAX_DEPTH: int(10, 1),
  GRAPHQL_MAX_ALIASES: int(15, 0),
  GRAPHQL_MAX_TOKENS: int(2_000, 1),
  GRAPHQL_MAX_DIRECTIVES: int(10, 0),
  GRAPHQL_MAX_COST: int(5_000, 1),
  GRAPHQL_MAX_BATCH: int(5, 0),
  /** Unset: on except when NODE_ENV=production. */
  GRAPHQL_INTROSPECTION: optionalBool(),
  GRAPHIQL: optionalBool(),
  MAX_REQUEST_BODY_BYTES: int(1024 * 1024, 1),
  INPUT_MAX_STRING_CHARS: int(5_000, 1),
  INPUT_MAX_TEXT_CHARS: int(200_000, 1),
  INPUT_MAX_JSON_BYTES: int(64 * 1024, 1),
  INPUT_MAX_JSON_DEPTH: int(10, 1),
  RENDER_MAX_OUTPUT_BYTES: int(1024 * 1024, 1),
  IDEMPOTENCY_KEY_TTL_HOURS: int(24, 1),
  TRUSTED_DOCUMENTS: oneOf(['off', 'on'], 'off'),
  TRUSTED_DOCUMENTS_PATH: string('trusted-documents'),
} satisfies Record<string, Setting<unknown>>;

type Settings = { [K in keyof typeof settings]: ReturnType<(typeof settings)[K]> };

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string | undefined;
  readonly embeddedPg: { readonly dir: string; readonly port: number };
  readonly db: {
    readonly poolMax: number;
    readonly statementTimeoutMs: number;
    readonly connectTimeoutMs: number;
    readonly preparedStatementsMax: number;
  };
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
  readonly auth: {
    readonly mode: 'off' | 'required';
    readonly cacheTtlMs: number;
    /** Operations per key per window; 0 turns the limit off. */
    readonly rateLimitMax: number;
    readonly rateLimitWindowMs: number;
    /** Redis key prefix of the shared counters. */
    readonly rateLimitPrefix: string;
  };
  readonly limits: {
    readonly maxDepth: number;
    readonly maxAliases: number;
    readonly maxTokens: number;
    readonly maxDirectives: number;
    readonly maxCost: number;
    /** Operations per batched HTTP request; 0 turns batching off. */
    readonly maxBatch: number;
    readonly introspection: boolean;
    readonly graphiql: boolean;
    readonly maxBodyBytes: number;
    readonly maxStringChars: number;
    readonly maxTextChars: number;
    readonly maxJsonBytes: number;
    readonly maxJsonDepth: number;
    readonly maxRenderBytes: number;
  };
  readonly trustedDocuments: { readonly enabled: boolean; readonly path: string };
  /** How long a stored idempotency result is kept (and a retry with its key answered from it). */
  readonly idempotencyKeyTtlHours: number;
  readonly cache: CacheConfig;
  readonly ops: {
    readonly slowQueryMs: number;
    readonly slowRequestMs: number;
    readonly statementStatsMax: number;
    readonly slowQueriesLimitMax: number;
    readonly latencySampleSize: number;
    readonly readyTimeoutMs: number;
    readonly compressionMinBytes: number;
    readonly compressionSyncMaxBytes: number;
    readonly shutdownGraceMs: number;
    readonly mallocTrimIntervalMs: number;
    readonly metricsPath: string;
  };
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
  /** Keys whose latest local invalidation is tracked one by one before folding into a per-kind floor. */
  readonly invalidationTrackMax: number;
}

export class ConfigError extends Error {
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`Invalid configuration:\n  ${issues.join('\n  ')}`);
    this.issues = issues;
    this.name = 'ConfigError';
  }
}

/** Parses the environment once into a frozen Config; throws a ConfigError listing every problem at once. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const e: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, read] of Object.entries(settings) as [string, Setting<unknown>][]) {
    const raw = env[name];
    try {
      e[name] = read(raw === '' ? undefined : raw);
    } catch (err) {
      if (!(err instanceof SettingProblem)) throw err;
      problems.push(`${name}: ${err.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return configOf(e as Settings);
}

function configOf(e: Settings): Config {
  if (e.PAGE_SIZE_DEFAULT > e.PAGE_SIZE_MAX) {
    throw new ConfigError([`PAGE_SIZE_DEFAULT: ${e.PAGE_SIZE_DEFAULT} exceeds PAGE_SIZE_MAX ${e.PAGE_SIZE_MAX}`]);
  }
  return deepFreeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    embeddedPg: { dir: e.EMBEDDED_PG_DIR, port: e.EMBEDDED_PG_PORT },
    db: {
      poolMax: e.DB_POOL_MAX,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_MS,
      preparedStatementsMax: e.DB_PREPARED_STATEMENTS_MAX,
    },
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
      invalidationTrackMax: e.CACHE_INVALIDATION_TRACK_MAX,
    },
    ops: {
      slowQueryMs: e.SLOW_QUERY_MS,
      slowRequestMs: e.SLOW_REQUEST_MS,
      statementStatsMax: e.STATEMENT_STATS_MAX,
      slowQueriesLimitMax: e.SLOW_QUERIES_LIMIT_MAX,
      latencySampleSize: e.LATENCY_SAMPLE_SIZE,
      readyTimeoutMs: e.READY_TIMEOUT_MS,
      compressionMinBytes: e.COMPRESSION_MIN_BYTES,
      compressionSyncMaxBytes: e.COMPRESSION_SYNC_MAX_BYTES,
      shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
      mallocTrimIntervalMs: e.MALLOC_TRIM_INTERVAL_MS,
      metricsPath: e.METRICS_PATH,
    },
    auth: {
      mode: e.AUTH_MODE ?? (e.NODE_ENV === 'production' ? 'required' : 'off'),
      cacheTtlMs: e.AUTH_CACHE_TTL_MS,
      rateLimitMax: e.RATE_LIMIT_MAX,
      rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
      rateLimitPrefix: e.RATE_LIMIT_REDIS_PREFIX,
    },
    limits: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxDirectives: e.GRAPHQL_MAX_DIRECTIVES,
      maxCost: e.GRAPHQL_MAX_COST,
      maxBatch: e.GRAPHQL_MAX_BATCH,
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      graphiql: e.GRAPHIQL ?? e.NODE_ENV !== 'production',
      maxBodyBytes: e.MAX_REQUEST_BODY_BYTES,
      maxStringChars: e.INPUT_MAX_STRING_CHARS,
      maxTextChars: e.INPUT_MAX_TEXT_CHARS,
      maxJsonBytes: e.INPUT_MAX_JSON_BYTES,
      maxJsonDepth: e.INPUT_MAX_JSON_DEPTH,
      maxRenderBytes: e.RENDER_MAX_OUTPUT_BYTES,
    },
    trustedDocuments: { enabled: e.TRUSTED_DOCUMENTS === 'on', path: e.TRUSTED_DOCUMENTS_PATH },
    idempotencyKeyTtlHours: e.IDEMPOTENCY_KEY_TTL_HOURS,
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
