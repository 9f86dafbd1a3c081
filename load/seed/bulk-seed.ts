/**
 * The reproducible large data set for load tests (`npm run seed:bulk`): templates with their version history,
 * usage events with the three rollup tables consistent with them, generated contents and conversation memory.
 *
 * Every row is computed inside PostgreSQL by `INSERT … SELECT … FROM generate_series(…)`, so nothing crosses
 * the wire but the statements. Randomness comes from `hashint8extended(row number, seed)`: the same seed gives
 * the same rows, on any server, every time. Times are spread before a fixed anchor, never `now()`.
 *
 * The whole seed is one transaction (a failure leaves nothing behind) and is recorded in `service_seeds`;
 * running it again with the same sizes and seed does nothing, with other sizes it refuses unless `reset`.
 */
import pg from 'pg';
import { BULK_AUTHOR, BULK_CONVERSATIONS_PER_SESSION, BULK_SESSION_PREFIX } from '../scenarios.ts';

export interface BulkSeedOptions {
  templates: number;
  usage: number;
  memory: number;
  /** Generated contents; defaults to a tenth of the usage events. */
  contents?: number;
  /** The PRNG seed. */
  seed?: number;
  /** Removes an earlier bulk data set (of any size or seed) first. */
  reset?: boolean;
  /** Template categories to draw from (the service's configured ones). */
  categories: readonly string[];
  /** Rows per INSERT statement. */
  chunkSize?: number;
  log?: (message: string) => void;
}

export interface BulkSeedResult {
  status: 'seeded' | 'skipped';
  /** The service_seeds name recording the sizes and seed. */
  marker: string;
  counts: { templates: number; versions: number; usage: number; contents: number; memory: number };
  /** Milliseconds per phase, and in total. */
  timings: Record<string, number>;
}

export class BulkSeedConflictError extends Error {
  constructor(existing: string, wanted: string) {
    super(`a different bulk data set is present (${existing}); wanted ${wanted}: run again with --reset to replace it`);
    this.name = 'BulkSeedConflictError';
  }
}

export const DEFAULT_BULK_SEED = 20261127;
/** Every generated time lies before this instant (usage within 90 days of it, templates within a year). */
export const BULK_ANCHOR = '2026-11-01T00:00:00.000Z';
export const MEMORY_ENTRIES_PER_CONVERSATION = 20;
const MARKER_PREFIX = 'bulk-v1 ';
const BULK_MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'llama-3-70b'];
const TOPICS = ['code review', 'SQL tuning', 'API design', 'incident reports', 'test plans', 'release notes', 'data pipelines', 'onboarding'];
const LOREM =
  'Consider the context carefully, state your assumptions, and explain each step before giving the answer. ' +
  'Prefer concrete examples over abstractions, keep the tone precise and friendly, and cite the inputs you used. ';

/** The bulk seed's command-line options (shared with `npm run load`). */
export const BULK_SEED_ARGS = {
  templates: { type: 'string', default: '10000' },
  usage: { type: 'string', default: '1000000' },
  memory: { type: 'string', default: '1000000' },
  contents: { type: 'string' },
  seed: { type: 'string' },
  reset: { type: 'boolean', default: false },
} as const;

/** Reads the bulk seed's sizes from parsed arguments; throws on a value that is not a whole number. */
export function bulkSeedSizes(values: {
  templates?: string;
  usage?: string;
  memory?: string;
  contents?: string | undefined;
  seed?: string | undefined;
  reset?: boolean;
}): Omit<BulkSeedOptions, 'categories'> {
  const num = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got "${v}"`);
    return n;
  };
  return {
    templates: num('templates', values.templates) ?? 10_000,
    usage: num('usage', values.usage) ?? 1_000_000,
    memory: num('memory', values.memory) ?? 1_000_000,
    contents: num('contents', values.contents),
    seed: num('seed', values.seed),
    reset: values.reset ?? false,
  };
}

const positiveInt = (name: string, v: number, min = 0) => {
  if (!Number.isSafeInteger(v) || v < min) throw new Error(`${name} must be an integer ≥ ${min}, got ${v}`);
  return v;
};
const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** Seeds the bulk data set into the (migrated) database at `databaseUrl`. */
export async function seedBulk(databaseUrl: string, options: BulkSeedOptions): Promise<BulkSeedResult> {
  const T = positiveInt('templates', options.templates, 1);
  const U = positiveInt('usage', options.usage);
  const M = positiveInt('memory', options.memory);
  const C = positiveInt('contents', options.contents ?? Math.floor(U / 10));
  const seed = positiveInt('seed', options.seed ?? DEFAULT_BULK_SEED);
  const chunk = positiveInt('chunkSize', options.chunkSize ?? 250_000, 1);
  if (options.categories.length === 0) throw new Error('categories must not be empty');
  const log = options.log ?? (() => {});
  const marker = `${MARKER_PREFIX}t=${T} u=${U} m=${M} c=${C} seed=${seed}`;
  const timings: Record<string, number> = {};
  const started = performance.now();
  const timed = async <R>(phase: string, fn: () => Promise<R>): Promise<R> => {
    const t0 = performance.now();
    const r = await fn();
    timings[phase] = Math.round(performance.now() - t0);
    log(`${phase}: ${timings[phase]} ms`);
    return r;
  };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const q = (text: string, values?: unknown[]) => client.query(text, values);
  const inChunks = async (total: number, build: (lo: number, hi: number) => string) => {
    for (let lo = 1; lo <= total; lo += chunk) await q(build(lo, Math.min(total, lo + chunk - 1)));
  };
  try {
    await q('BEGIN');
    await q('SET LOCAL statement_timeout = 0');
    await q('SET LOCAL synchronous_commit = off');
    // Room for the rollups' hash aggregates, which would otherwise spill to disk.
    await q(`SET LOCAL work_mem = '256MB'`);
    await q(`SELECT pg_advisory_xact_lock(hashtext('bulk-seed'))`);
    const existing = (await q(`SELECT name FROM service_seeds WHERE name LIKE $1`, [`${MARKER_PREFIX}%`])).rows as { name: string }[];
    if (existing.length > 0 && !options.reset) {
      await q('ROLLBACK');
      if (existing.some((r) => r.name === marker)) {
        log(`already seeded (${marker}): nothing to do`);
        return { status: 'skipped', marker, counts: await countBulk(client), timings: { total: Math.round(performance.now() - started) } };
      }
      throw new BulkSeedConflictError(existing.map((r) => r.name).join(', '), marker);
    }
    if (existing.length > 0 || options.reset) await timed('reset', () => deleteBulk(client));
    await q(`INSERT INTO service_seeds (name) VALUES ($1)`, [marker]);
    await createHelpers(client, seed, T, options.categories);

    await timed('templates', () =>
      inChunks(T, (lo, hi) => `
        INSERT INTO prompt_templates (id, name, description, category, content, variables, version, is_active, created_by, created_at, updated_at)
        SELECT pg_temp.tid(i), pg_temp.tname(i),
               'Bulk template ' || i || ' on ' || (pg_temp.topics())[1 + floor(pg_temp.u(i, 1) * array_length(pg_temp.topics(), 1))::int],
               (pg_temp.categories())[1 + floor(pg_temp.u(i, 2) * array_length(pg_temp.categories(), 1))::int],
               pg_temp.tcontent(i, v), pg_temp.tvars(), v, pg_temp.u(i, 4) >= 0.03, ${lit(BULK_AUTHOR)},
               created, created + (v - 1) * interval '1 day'
        FROM (SELECT i, 1 + floor(pg_temp.u(i, 3) * 3)::int AS v, pg_temp.before(i, 5, 365 * 86400) - interval '3 days' AS created
              FROM generate_series(${lo}::bigint, ${hi}) i) g`),
    );
    await timed('versions', () =>
      q(`
        INSERT INTO prompt_template_versions (template_id, version, content, variables, created_by, created_at)
        SELECT t.id, k, pg_temp.tcontent(substr(t.name, 6)::bigint, k), t.variables, t.created_by, t.created_at + (k - 1) * interval '1 day'
        FROM prompt_templates t CROSS JOIN LATERAL generate_series(1, t.version) k
        WHERE t.created_by = ${lit(BULK_AUTHOR)}`),
    );
    await timed('usage events', () =>
      inChunks(U, (lo, hi) => `
        INSERT INTO template_usage_events (template_id, ai_model, success, response_time_ms, created_at)
        SELECT pg_temp.tid(pg_temp.skewed(j, 10)), pg_temp.model(j, 11), pg_temp.u(j, 12) < 0.95,
               CASE WHEN pg_temp.u(j, 13) < 0.1 THEN NULL ELSE 50 + floor(pg_temp.u(j, 14) * 3000)::int END,
               pg_temp.before(j, 15, 90 * 86400)
        FROM generate_series(${lo}::bigint, ${hi}) j`),
    );
    await timed('usage rollups', () => insertRollups(client));
    await timed('generated contents', () =>
      inChunks(C, (lo, hi) => `
        INSERT INTO generated_contents (id, template_id, ai_model, input_variables, content, tokens_used, response_time_ms, created_at)
        SELECT md5('bulk-content:${seed}:' || k)::uuid, pg_temp.tid(pg_temp.skewed(k, 20)), pg_temp.model(k, 21),
               jsonb_build_object('topic', 'topic ' || (k % 50), 'audience', 'engineers'),
               pg_temp.filler(k, 100 + floor(pg_temp.u(k, 22) * 400)::int),
               50 + floor(pg_temp.u(k, 23) * 2000)::int, 200 + floor(pg_temp.u(k, 24) * 5000)::int,
               pg_temp.before(k, 25, 90 * 86400)
        FROM generate_series(${lo}::bigint, ${hi}) k`),
    );
    await timed('conversation memory', () =>
      inChunks(M, (lo, hi) => `
        INSERT INTO conversation_memories (session_id, conversation_id, role, content, metadata, created_at, expires_at)
        SELECT ${lit(BULK_SESSION_PREFIX)} || lpad((c / ${BULK_CONVERSATIONS_PER_SESSION})::text, 6, '0'),
               'conv-' || (c % ${BULK_CONVERSATIONS_PER_SESSION}),
               CASE WHEN p = 0 THEN 'SYSTEM' WHEN p % 2 = 1 THEN 'USER' ELSE 'ASSISTANT' END,
               pg_temp.filler(n, 40 + floor(pg_temp.u(n, 30) * 400)::int),
               CASE WHEN pg_temp.u(n, 31) < 0.5 THEN jsonb_build_object('tokens', 5 + floor(pg_temp.u(n, 32) * 500)::int) END,
               pg_temp.before(c, 33, 60 * 86400) - interval '1 hour' + p * interval '30 seconds',
               NULL
        FROM (SELECT n, (n - 1) / ${MEMORY_ENTRIES_PER_CONVERSATION} AS c, (n - 1) % ${MEMORY_ENTRIES_PER_CONVERSATION} AS p
              FROM generate_series(${lo}::bigint, ${hi}) n) g`),
    );
    await timed('commit', () => q('COMMIT'));
  } catch (err) {
    await q('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    if (timings.commit === undefined) await client.end();
  }
  // Fresh statistics and visibility maps, so the planner and index-only scans see the data as it is.
  try {
    await timed('analyze', () =>
      q(`VACUUM (ANALYZE) prompt_templates, prompt_template_versions, template_usage_events, template_usage_totals,
           template_usage_model_totals, template_usage_daily, generated_contents, conversation_memories`),
    );
    const counts = await countBulk(client);
    timings.total = Math.round(performance.now() - started);
    return { status: 'seeded', marker, counts, timings };
  } finally {
    await client.end();
  }
}

/** Session-local helper functions (pg_temp): they vanish with the connection and touch no schema. */
async function createHelpers(client: pg.Client, seed: number, templates: number, categories: readonly string[]): Promise<void> {
  const fns = [
    // Uniform in [0, 1) from (row number, stream): 53 bits of a seeded 64-bit hash.
    `u(i bigint, stream int) RETURNS float8 AS $$
       SELECT (hashint8extended(i, ${seed}::bigint * 1000 + stream) & 9007199254740991)::float8 / 9007199254740992.0 $$`,
    `tid(i bigint) RETURNS uuid AS $$ SELECT md5('bulk-template:${seed}:' || i)::uuid $$`,
    `tname(i bigint) RETURNS text AS $$ SELECT 'bulk-' || lpad(i::text, 6, '0') $$`,
    `topics() RETURNS text[] AS $$ SELECT ARRAY[${TOPICS.map(lit).join(',')}]::text[] $$`,
    `categories() RETURNS text[] AS $$ SELECT ARRAY[${categories.map(lit).join(',')}]::text[] $$`,
    `filler(i bigint, len int) RETURNS text AS $$ SELECT substr(repeat(${lit(LOREM)}, 1 + len / ${LOREM.length} + 1), 1 + (i % 97)::int, len) $$`,
    `tcontent(i bigint, v int) RETURNS text AS $$
       SELECT 'Revision ' || v || '. You are an expert in {{ topic }}. Write for {{ audience }}.' || chr(10) || chr(10)
              || pg_temp.filler(i, 200 + floor(pg_temp.u(i, 6) * 1500)::int) $$`,
    `tvars() RETURNS jsonb AS $$ SELECT '[{"name":"topic","required":true,"description":"What the prompt is about"},{"name":"audience","required":false,"defaultValue":"engineers"}]'::jsonb $$`,
    // The template number of a usage row: squared uniform, so low numbers (a hot set) are used far more.
    `skewed(j bigint, stream int) RETURNS bigint AS $$ SELECT 1 + floor(${templates}::float8 * power(pg_temp.u(j, stream), 2))::bigint $$`,
    `model(j bigint, stream int) RETURNS text AS $$
       SELECT CASE WHEN x < 0.1 THEN NULL WHEN x < 0.45 THEN ${lit(BULK_MODELS[0]!)} WHEN x < 0.7 THEN ${lit(BULK_MODELS[1]!)}
                   WHEN x < 0.9 THEN ${lit(BULK_MODELS[2]!)} ELSE ${lit(BULK_MODELS[3]!)} END
       FROM (SELECT pg_temp.u(j, stream) AS x) s $$`,
    `before(i bigint, stream int, span_seconds int) RETURNS timestamptz AS $$
       SELECT ${lit(BULK_ANCHOR)}::timestamptz - make_interval(secs => floor(pg_temp.u(i, stream) * span_seconds * 1000) / 1000.0) $$`,
  ];
  for (const f of fns) await client.query(`CREATE FUNCTION pg_temp.${f} LANGUAGE sql IMMUTABLE`);
}

const BULK_TEMPLATE_IDS = `SELECT id FROM prompt_templates WHERE created_by = ${lit(BULK_AUTHOR)}`;

/** The rollups, aggregated from the bulk events: ai_model '' stands for none, days are UTC dates. */
async function insertRollups(client: pg.Client): Promise<void> {
  const sums = `count(*), count(*) FILTER (WHERE success), coalesce(sum(response_time_ms), 0), count(response_time_ms), max(created_at)`;
  const cols = 'count, success_count, response_time_sum, response_time_count, last_used_at';
  const events = `template_usage_events WHERE template_id IN (${BULK_TEMPLATE_IDS})`;
  await client.query(`INSERT INTO template_usage_totals (template_id, ${cols})
    SELECT template_id, ${sums} FROM ${events} GROUP BY template_id`);
  await client.query(`INSERT INTO template_usage_model_totals (template_id, ai_model, ${cols})
    SELECT template_id, coalesce(ai_model, ''), ${sums} FROM ${events} GROUP BY 1, 2`);
  await client.query(`INSERT INTO template_usage_daily (template_id, day, ai_model, ${cols})
    SELECT template_id, (created_at AT TIME ZONE 'UTC')::date, coalesce(ai_model, ''), ${sums} FROM ${events} GROUP BY 1, 2, 3`);
}

const BULK_MEMORY = `left(session_id, ${BULK_SESSION_PREFIX.length}) = ${lit(BULK_SESSION_PREFIX)}`;

/** Removes every bulk row, whatever its sizes or seed (templates cascade to versions, usage and contents). */
async function deleteBulk(client: pg.Client): Promise<void> {
  for (const table of ['template_usage_events', 'template_usage_daily', 'template_usage_model_totals', 'template_usage_totals', 'generated_contents']) {
    await client.query(`DELETE FROM ${table} WHERE template_id IN (${BULK_TEMPLATE_IDS})`);
  }
  await client.query(`DELETE FROM prompt_templates WHERE created_by = ${lit(BULK_AUTHOR)}`);
  await client.query(`DELETE FROM conversation_memories WHERE ${BULK_MEMORY}`);
  await client.query(`DELETE FROM service_seeds WHERE name LIKE $1`, [`${MARKER_PREFIX}%`]);
}

/** The number of bulk rows in each table. */
export async function countBulk(client: pg.Client): Promise<BulkSeedResult['counts']> {
  const { rows } = await client.query(`SELECT
      (SELECT count(*) FROM prompt_templates WHERE created_by = ${lit(BULK_AUTHOR)}) AS templates,
      (SELECT count(*) FROM prompt_template_versions WHERE template_id IN (${BULK_TEMPLATE_IDS})) AS versions,
      (SELECT count(*) FROM template_usage_events WHERE template_id IN (${BULK_TEMPLATE_IDS})) AS usage,
      (SELECT count(*) FROM generated_contents WHERE template_id IN (${BULK_TEMPLATE_IDS})) AS contents,
      (SELECT count(*) FROM conversation_memories WHERE ${BULK_MEMORY}) AS memory`);
  const r = rows[0] as Record<string, string | number>;
  return {
    templates: Number(r.templates),
    versions: Number(r.versions),
    usage: Number(r.usage),
    contents: Number(r.contents),
    memory: Number(r.memory),
  };
}
