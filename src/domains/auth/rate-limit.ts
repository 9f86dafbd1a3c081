import type * as RedisClientPackage from '@redis/client';
import type { Logger } from '../../logger.ts';
import { requireOnUse } from '../../lib/require-on-use.ts';

/** Loaded only when the rate limit is shared through Redis. */
const redisClient = requireOnUse<typeof RedisClientPackage>('@redis/client');

export interface RateLimitDecision {
  allowed: boolean;
  /** Operations left in the current window. */
  remaining: number;
  /** When refused: milliseconds until the window resets. */
  retryAfterMs: number;
}

export interface RateLimiter {
  /** Counts one operation for `id` and says whether it is within the limit. */
  hit(id: string): Promise<RateLimitDecision>;
  /** Resolves once the shared store is connected (or could not be); until then hits are allowed. */
  ready?(): Promise<void>;
  close(): Promise<void>;
}

export interface RateLimiterOptions {
  /** Operations per window; 0 allows everything. */
  max: number;
  windowMs: number;
  /** When set, counters live in Redis and hold across instances; otherwise in this process. */
  redisUrl?: string | undefined;
  /** Redis key prefix. */
  prefix: string;
  /** In process: most keys counted in one window (default 100,000); past it the longest-counted is forgotten. */
  maxKeys?: number;
  logger: Logger;
}

/**
 * A fixed-window counter per key id. With Redis it is shared by every instance; when Redis cannot answer it fails
 * open (logs and allows), because refusing every request while Redis is down would be a worse outage.
 */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  if (opts.max <= 0) return { hit: async () => ({ allowed: true, remaining: Infinity, retryAfterMs: 0 }), close: async () => {} };
  const decide = (count: number, windowEnd: number, now: number): RateLimitDecision => ({
    allowed: count <= opts.max,
    remaining: Math.max(0, opts.max - count),
    retryAfterMs: count <= opts.max ? 0 : Math.max(1, windowEnd - now),
  });

  if (!opts.redisUrl) {
    // The counts of the current window only: a new window starts every key from zero, so the map is emptied
    // then rather than aged entry by entry, and it holds only the keys seen since (an LRU bounded at maxKeys
    // would allocate for all of them up front, 4 MB at 100,000, with rate limiting on or off).
    const maxKeys = opts.maxKeys ?? 100_000;
    const counts = new Map<string, number>();
    let current = -1;
    return {
      async hit(id) {
        const now = Date.now();
        const window = Math.floor(now / opts.windowMs);
        if (window !== current) {
          counts.clear();
          current = window;
        }
        const count = (counts.get(id) ?? 0) + 1;
        if (count === 1 && counts.size >= maxKeys) counts.delete(counts.keys().next().value!);
        counts.set(id, count);
        return decide(count, (window + 1) * opts.windowMs, now);
      },
      async close() {},
    };
  }

  const client = redisClient().createClient({
    url: opts.redisUrl,
    disableOfflineQueue: true,
    socket: { connectTimeout: 1_000, reconnectStrategy: (retries) => Math.min(retries * 100, 2_000) },
  });
  let lastWarn = 0;
  const warn = (err: unknown) => {
    if (Date.now() - lastWarn > 10_000) {
      lastWarn = Date.now();
      opts.logger.warn({ err }, 'rate limiter: Redis unavailable, allowing requests');
    }
  };
  client.on('error', warn);
  const connecting = client.connect().then(() => {}, warn);
  return {
    ready: () => connecting,
    async hit(id) {
      const now = Date.now();
      const window = Math.floor(now / opts.windowMs);
      const key = `${opts.prefix}${id}:${window}`;
      try {
        if (!client.isReady) throw new Error('Redis not connected');
        const [count] = (await client.multi().incr(key).pExpire(key, opts.windowMs).exec()) as unknown as [number];
        return decide(Number(count), (window + 1) * opts.windowMs, now);
      } catch (err) {
        warn(err);
        return { allowed: true, remaining: opts.max, retryAfterMs: 0 };
      }
    },
    async close() {
      // While Redis is unreachable the client keeps reconnecting and `connecting` never settles: don't wait.
      if (client.isReady) await client.close().catch(() => client.destroy());
      else if (client.isOpen) client.destroy();
    },
  };
}
