import type pg from 'pg';
import type { CacheStatsSource } from './cache-stats.ts';

export interface ReadinessCheck {
  ok: boolean;
  /** Why the check failed; never contains connection strings. */
  error?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { postgres: ReadinessCheck; cache?: ReadinessCheck };
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, onLate?: (value: T) => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      timedOut = true;
      reject(new TimeoutError(`no answer within ${ms} ms`));
    }, ms);
  });
  promise.then(
    (v) => {
      if (timedOut) onLate?.(v);
    },
    () => {},
  );
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Takes a pooled connection and runs `SELECT 1`, all within `timeoutMs`. A connection that does not answer
 * is destroyed rather than returned, so a hung server cannot leave the pool full of stuck clients. A pooled
 * connection that turns out to be dead (the server restarted) is discarded and the check tried once more on
 * a fresh one, within the same deadline.
 */
export async function pingPostgres(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await pingOnce(pool, deadline);
      return;
    } catch (err) {
      // Each step waits only for what is left of the deadline; the answer names the whole budget.
      if (err instanceof TimeoutError) throw new TimeoutError(`no answer within ${timeoutMs} ms`);
      if (attempt >= 2 || Date.now() >= deadline) throw err;
    }
  }
}

async function pingOnce(pool: pg.Pool, deadline: number): Promise<void> {
  const client = await withTimeout(pool.connect(), Math.max(1, deadline - Date.now()), (late) => late.release(true));
  // A checked-out client has no pool listener: a connection dropped mid-check must not become an uncaught error.
  const ignore = () => {};
  client.on('error', ignore);
  try {
    const left = Math.max(1, deadline - Date.now());
    // pg's own query timeout only cleans up after ours has answered, so the reported reason is always ours.
    await withTimeout(client.query({ text: 'SELECT 1', query_timeout: left + 250 } as pg.QueryConfig), left);
    client.off('error', ignore);
    client.release();
  } catch (err) {
    client.release(true);
    throw err;
  }
}

function describe(err: unknown): string {
  if (err instanceof TimeoutError) return err.message;
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.message.slice(0, 200) : 'failed';
}

/** Checks PostgreSQL and, when it can be pinged, the cache; ready only when every check answers in time. */
export async function checkReadiness(options: {
  pool: pg.Pool;
  cache?: CacheStatsSource | undefined;
  timeoutMs: number;
}): Promise<ReadinessReport> {
  const run = async (fn: () => Promise<unknown>): Promise<ReadinessCheck> => {
    try {
      await withTimeout(fn(), options.timeoutMs);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: describe(err) };
    }
  };
  const cache = options.cache;
  const [postgres, cacheCheck] = await Promise.all([
    run(() => pingPostgres(options.pool, options.timeoutMs)),
    cache?.ping ? run(() => cache.ping!()) : Promise.resolve(undefined),
  ]);
  const checks: ReadinessReport['checks'] = { postgres };
  if (cacheCheck) checks.cache = cacheCheck;
  return { ready: postgres.ok && (cacheCheck?.ok ?? true), checks };
}
