import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, test } from 'vitest';
import { KeyedHistogram } from '../src/observability/keyed-histogram.ts';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const labelNames = ['operationName', 'operationType'] as const;
type Labels = Record<(typeof labelNames)[number], string>;

/** Observations on bounds, between them, past the last one and at zero, for label sets with text to escape. */
const OBSERVATIONS: [Labels, number][] = [
  [{ operationName: 'GetTemplate', operationType: 'query' }, 0.005],
  [{ operationName: 'GetTemplate', operationType: 'query' }, 0.0051],
  [{ operationName: 'Create "quoted"\nline', operationType: 'mutation' }, 0],
  [{ operationName: 'GetTemplate', operationType: 'query' }, 0.3],
  [{ operationName: 'Create "quoted"\nline', operationType: 'mutation' }, 10],
  [{ operationName: 'Create "quoted"\nline', operationType: 'mutation' }, 12.5],
  [{ operationName: 'Slow\\path', operationType: 'query' }, 2.5],
];

/** The same observations through prom-client's Histogram and through KeyedHistogram, each on a registry of its own. */
function both() {
  const reference = new Registry();
  const keyed = new Registry();
  const config = { name: 'op_duration', help: 'Seconds per operation', labelNames, buckets: BUCKETS };
  const plain = new Histogram({ ...config, registers: [reference] });
  const fast = new KeyedHistogram({ ...config, registers: [keyed] });
  for (const [labels, value] of OBSERVATIONS) {
    plain.observe(labels, value);
    fast.series(`${labels.operationType} ${labels.operationName}`, () => labels).observe(value);
  }
  return { reference, keyed, fast };
}

describe('KeyedHistogram', () => {
  test("exports exactly what prom-client's Histogram exports for the same observations", async () => {
    const { reference, keyed } = both();
    const text = await keyed.metrics();
    expect(text).toBe(await reference.metrics());
    expect(text).toContain('op_duration_bucket{le="0.005",operationName="GetTemplate",operationType="query"} 1');
    // prom-client also gives each value an empty `exemplar` (exemplars are off here); nothing else differs.
    const withoutExemplars = (await reference.getMetricsAsJSON()).map((m) => ({
      ...m,
      values: m.values.map((v) => {
        const { exemplar: _, ...rest } = v as typeof v & { exemplar?: unknown };
        return rest;
      }),
    }));
    expect(await keyed.getMetricsAsJSON()).toEqual(withoutExemplars);
  });

  test('the labels function runs once per key, and each key keeps its own counts', async () => {
    const registry = new Registry();
    const h = new KeyedHistogram({ name: 'h', help: 'h', labelNames: ['op'] as const, buckets: [1, 2], registers: [registry] });
    let made = 0;
    const labelsOf = (op: string) => () => {
      made++;
      return { op };
    };
    for (const v of [0.5, 1.5, 3]) h.series('a', labelsOf('a')).observe(v);
    h.series('b', labelsOf('b')).observe(2);
    expect(made).toBe(2);
    expect([...h.counts()]).toEqual([
      { labels: { op: 'a' }, count: 3 },
      { labels: { op: 'b' }, count: 1 },
    ]);
    expect(await registry.metrics()).toContain('h_bucket{le="2",op="a"} 2\nh_bucket{le="+Inf",op="a"} 3\nh_sum{op="a"} 5\n');
  });

  test('a counter made from the counts matches a counter incremented at each observation', async () => {
    const { reference, keyed, fast } = both();
    const counted = new Counter({ name: 'ops', help: 'Operations', labelNames, registers: [reference] });
    for (const [labels] of OBSERVATIONS) counted.inc(labels);
    new Counter({
      name: 'ops',
      help: 'Operations',
      labelNames,
      registers: [keyed],
      collect() {
        this.reset();
        for (const { labels, count } of fast.counts()) this.inc(labels, count);
      },
    });
    expect(await keyed.metrics()).toBe(await reference.metrics());
  });

  test('reset drops every series, and a value that is not a number is refused', async () => {
    const { keyed, fast } = both();
    keyed.resetMetrics();
    expect(await keyed.metrics()).toBe('# HELP op_duration Seconds per operation\n# TYPE op_duration histogram\n');
    const s = fast.series('k', () => ({ operationName: 'X', operationType: 'query' }));
    expect(() => s.observe(Number.NaN)).toThrow(TypeError);
    expect([...fast.counts()]).toEqual([{ labels: { operationName: 'X', operationType: 'query' }, count: 0 }]);
  });
});
