import { z } from 'zod';

const DEFAULT_CATEGORIES = ['development', 'architecture', 'data', 'quality', 'communication', 'techniques'];

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalBool = () =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1' || v === 'yes'));

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
  /** Waiting for a pooled connection (and connecting); below 2 s so requests fail fast while PostgreSQL is down. */
  DB_CONNECT_TIMEOUT_MS: int(1_500, 1),
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
  /** `off` or `required`; unset means `required` when NODE_ENV=production, else `off`. */
  AUTH_MODE: z.enum(['off', 'required']).optional(),
  AUTH_CACHE_TTL_MS: int(5_000, 0),
  RATE_LIMIT_MAX: int(600, 0),
  RATE_LIMIT_WINDOW_MS: int(60_000, 1),
  RATE_LIMIT_REDIS_PREFIX: z.string().default('pts:ratelimit:'),
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
  TRUSTED_DOCUMENTS: z.enum(['off', 'on']).default('off'),
  TRUSTED_DOCUMENTS_PATH: z.string().default('trusted-documents'),
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
