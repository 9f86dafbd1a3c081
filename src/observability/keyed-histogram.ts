import { Histogram, type Aggregator, type HistogramConfiguration } from 'prom-client';

/** One label set's counts: `buckets[i]` observations in (bounds[i - 1], bounds[i]], the last slot above them all. */
class Series {
  readonly labels: Readonly<Record<string, string>>;
  readonly buckets: Float64Array;
  readonly #bounds: readonly number[];
  sum = 0;
  count = 0;

  constructor(labels: Readonly<Record<string, string>>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.buckets = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    if (!Number.isFinite(value)) throw new TypeError(`Value is not a valid number: ${value}`);
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.buckets[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export type HistogramSeries = Pick<Series, 'observe'>;

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Readonly<Record<string, string>>;
  value: number;
  metricName: string;
}

/**
 * A prom-client Histogram whose series are found by a key the caller already has (a request's operation, say)
 * and kept as plain counts, so an observation is a map lookup, a bucket search and three additions. prom-client's
 * own `observe(labels, value)` builds a string from the labels and looks the series up by it, and keeps bucket
 * counts in an object keyed by each bound's decimal text, at every observation.
 *
 * The exposition is prom-client's: each series' cumulative `_bucket` values (`le` first, then `+Inf`), `_sum` and
 * `_count`, in the order the series first appeared. Observations made through the inherited `observe()` are
 * not exported: use `series()`.
 */
export class KeyedHistogram<T extends string> extends Histogram<T> {
  readonly #name: string;
  readonly #help: string;
  readonly #aggregator: Aggregator;
  readonly #bounds: readonly number[];
  #series = new Map<string, Series>();

  constructor(config: Omit<HistogramConfiguration<T>, 'collect'> & { buckets: number[] }) {
    super(config);
    this.#name = config.name;
    this.#help = config.help;
    this.#aggregator = config.aggregator ?? 'sum';
    this.#bounds = Object.freeze([...config.buckets]);
  }

  /** The series of `key`; `labels` is called only the first time a key is seen. */
  series(key: string, labels: () => Record<T, string>): HistogramSeries {
    let s = this.#series.get(key);
    if (s === undefined) {
      s = new Series(Object.freeze({ ...labels() }), this.#bounds);
      this.#series.set(key, s);
    }
    return s;
  }

  /** Each series' labels and observation count, as a counter of the same observations would export them. */
  *counts(): Iterable<{ labels: Readonly<Record<string, string>>; count: number }> {
    for (const s of this.#series.values()) yield { labels: s.labels, count: s.count };
  }

  override reset(): void {
    super.reset();
    // Also called by prom-client's constructor, before this class's fields exist.
    if (#series in this) this.#series.clear();
  }

  /** What prom-client's registry formats (it prefers this method to `get()` when present). */
  async getForPromString() {
    const values: ExportedValue[] = [];
    const name = this.#name;
    const bucketName = `${name}_bucket`;
    for (const s of this.#series.values()) {
      let cumulative = 0;
      this.#bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({ labels: { le }, sharedLabels: s.labels, value: cumulative, metricName: bucketName });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucketName },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${name}_sum` },
        { labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${name}_count` },
      );
    }
    return { name, help: this.#help, type: 'histogram' as const, values, aggregator: this.#aggregator };
  }

  override async get() {
    const data = await this.getForPromString();
    return {
      ...data,
      values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({
        labels: { ...labels, ...sharedLabels },
        value,
        metricName,
      })),
      // prom-client's declared type also asks for a `collect`, which its own histograms' `get()` does not return.
    } as unknown as Awaited<ReturnType<Histogram<T>['get']>>;
  }
}
