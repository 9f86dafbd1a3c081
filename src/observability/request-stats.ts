const WINDOW_SECONDS = 15 * 60;

export interface RequestSample {
  durationMs: number;
  failed: boolean;
  statements: number;
}

export interface ApplicationSnapshot {
  requests: number;
  requestsPerSecond: { oneMinute: number; fiveMinutes: number; fifteenMinutes: number };
  latencyMs: { p50: number; p95: number; p99: number };
  /** Share of the last five minutes' requests that failed (0..1). */
  errorRate: number;
  slowRequests: number;
  statementsPerRequest: { mean: number; max: number; requests: number };
  uptimeSeconds: number;
}

/**
 * In-memory request figures for performanceStats: per-second counts for the last 15 minutes (rates and error
 * rate) and the latest `sampleSize` requests (latency percentiles, statements per request).
 */
export class RequestStats {
  readonly #counts = new Float64Array(WINDOW_SECONDS);
  readonly #errors = new Float64Array(WINDOW_SECONDS);
  readonly #stamp = new Float64Array(WINDOW_SECONDS).fill(-1);
  readonly #durations: Float64Array;
  readonly #statements: Float64Array;
  #sampled = 0;
  #total = 0;
  #slow = 0;
  readonly #startedAt: number;
  readonly #slowMs: number;
  readonly #now: () => number;

  constructor(options: { sampleSize: number; slowRequestMs: number; now?: () => number }) {
    if (!Number.isInteger(options.sampleSize) || options.sampleSize < 1) {
      throw new TypeError(`sampleSize must be a positive integer, got ${String(options.sampleSize)}`);
    }
    this.#durations = new Float64Array(options.sampleSize);
    this.#statements = new Float64Array(options.sampleSize);
    this.#slowMs = options.slowRequestMs;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** Records one finished request; returns whether it counts as slow. */
  record(sample: RequestSample): boolean {
    const second = Math.floor(this.#now() / 1000);
    const slot = second % WINDOW_SECONDS;
    if (this.#stamp[slot] !== second) {
      this.#stamp[slot] = second;
      this.#counts[slot] = 0;
      this.#errors[slot] = 0;
    }
    this.#counts[slot]! += 1;
    if (sample.failed) this.#errors[slot]! += 1;
    const i = this.#sampled % this.#durations.length;
    this.#durations[i] = sample.durationMs;
    this.#statements[i] = sample.statements;
    this.#sampled += 1;
    this.#total += 1;
    const slow = sample.durationMs >= this.#slowMs;
    if (slow) this.#slow += 1;
    return slow;
  }

  snapshot(): ApplicationSnapshot {
    const now = this.#now();
    const second = Math.floor(now / 1000);
    const elapsed = Math.max(1, (now - this.#startedAt) / 1000);
    const window = (seconds: number) => {
      let count = 0;
      let errors = 0;
      for (let s = second - seconds + 1; s <= second; s++) {
        const slot = ((s % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS;
        if (this.#stamp[slot] === s) {
          count += this.#counts[slot]!;
          errors += this.#errors[slot]!;
        }
      }
      return { count, errors, rate: count / Math.min(seconds, elapsed) };
    };
    const n = Math.min(this.#sampled, this.#durations.length);
    const durations = Array.from(this.#durations.subarray(0, n)).sort((a, b) => a - b);
    const statements = this.#statements.subarray(0, n);
    let sum = 0;
    let max = 0;
    for (const s of statements) {
      sum += s;
      max = Math.max(max, s);
    }
    const five = window(300);
    return {
      requests: this.#total,
      requestsPerSecond: { oneMinute: window(60).rate, fiveMinutes: five.rate, fifteenMinutes: window(WINDOW_SECONDS).rate },
      latencyMs: { p50: percentile(durations, 0.5), p95: percentile(durations, 0.95), p99: percentile(durations, 0.99) },
      errorRate: five.count ? five.errors / five.count : 0,
      slowRequests: this.#slow,
      statementsPerRequest: { mean: n ? sum / n : 0, max, requests: n },
      uptimeSeconds: (now - this.#startedAt) / 1000,
    };
  }
}

/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1] as number;
}
