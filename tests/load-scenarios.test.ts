import { readFileSync } from 'node:fs';
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { describe, expect, test } from 'vitest';
import {
  bodyHasGraphQLErrors,
  connectionLayers,
  createRng,
  FIXTURE_BODY,
  HELLO_BODY,
  loadSteps,
  onlyOperations,
  parseFixtures,
  pickOperation,
  scenarios,
  type Fixtures,
  type GraphQLBody,
  type LoadShape,
} from '../load/scenarios.ts';
import { SCHEMA_PATH } from '../src/server.ts';

const schema = buildSchema(readFileSync(SCHEMA_PATH, 'utf8'));

const fixtures: Fixtures = {
  runId: 'abc123',
  templates: [
    { id: '00000000-0000-4000-8000-000000000001', name: 'bulk-000001', variables: ['topic', 'audience'] },
    { id: '00000000-0000-4000-8000-000000000002', name: 'bulk-000002', variables: ['topic', 'audience'] },
  ],
  categories: ['development', 'data'],
};

/** Parse and validation errors of a body against the service's schema, variables included. */
function problems(body: GraphQLBody): string[] {
  const doc = parse(body.query);
  const errors = validate(schema, doc).map((e) => e.message);
  const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
  if (!op) return [...errors, 'no operation'];
  if (op.name?.value !== body.operationName) errors.push(`operationName ${body.operationName} ≠ ${op.name?.value}`);
  const coerced = getVariableValues(schema, op.variableDefinitions ?? [], body.variables);
  for (const e of coerced.errors ?? []) errors.push(e.message);
  return errors;
}

describe('load scenarios', () => {
  test('every operation of every scenario is a valid operation of the schema, with valid variables', () => {
    const rng = createRng(1);
    for (const scenario of Object.values(scenarios)) {
      for (const { operation } of scenario.mix) {
        for (let iteration = 0; iteration < 20; iteration++) {
          const body = operation.build({ rng, fixtures, vu: 3, iteration });
          expect(problems(body), `${scenario.name}/${operation.name}`).toEqual([]);
        }
      }
    }
    expect(problems(FIXTURE_BODY)).toEqual([]);
  });

  test('created template names are unique per client and iteration, and valid names', () => {
    const op = scenarios.mixed.mix.find((w) => w.operation.name === 'createTemplate')!.operation;
    const names = new Set<string>();
    for (let vu = 1; vu <= 3; vu++) {
      for (let iteration = 0; iteration < 50; iteration++) {
        const body = op.build({ rng: createRng(vu), fixtures, vu, iteration });
        const name = (body.variables.input as { name: string }).name;
        expect(name).toMatch(/^[a-z0-9_-]{1,100}$/);
        names.add(name);
      }
    }
    expect(names.size).toBe(150);
  });

  test('operations are picked in proportion to their weights', () => {
    const rng = createRng(42);
    const counts = new Map<string, number>();
    const n = 90_000;
    for (let i = 0; i < n; i++) {
      const op = pickOperation(scenarios.mixed.mix, rng());
      counts.set(op.name, (counts.get(op.name) ?? 0) + 1);
    }
    // list 3, get 2, the other four 1 each: 9 shares.
    expect((counts.get('listTemplates') ?? 0) / n).toBeCloseTo(3 / 9, 2);
    expect((counts.get('getTemplate') ?? 0) / n).toBeCloseTo(2 / 9, 2);
    for (const name of ['renderTemplate', 'createTemplate', 'appendMemory', 'readConversation']) {
      expect((counts.get(name) ?? 0) / n).toBeCloseTo(1 / 9, 2);
    }
  });

  test('a scenario narrowed to some of its operations sends only those, at their weights, on its load shape', () => {
    const only = onlyOperations(scenarios.mixed, ['readConversation', 'listTemplates']);
    expect(only.name).toBe('mixed_readConversation_listTemplates');
    // k6 refuses a scenario name with anything but letters, digits, `_` and `-`.
    for (const s of [...Object.values(scenarios), only]) expect(s.name).toMatch(/^[0-9A-Za-z_-]+$/);
    expect(only.load).toEqual(scenarios.mixed.load);
    expect(only.thresholds).toEqual(scenarios.mixed.thresholds);
    expect(only.targets).toBeUndefined(); // set for the whole mix
    expect(scenarios.mixed.targets).toBeDefined();
    const rng = createRng(3);
    const counts = new Map<string, number>();
    for (let i = 0; i < 40_000; i++) {
      const op = pickOperation(only.mix, rng()).name;
      counts.set(op, (counts.get(op) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['listTemplates', 'readConversation']);
    expect((counts.get('listTemplates') ?? 0) / 40_000).toBeCloseTo(3 / 4, 1);
    expect(() => onlyOperations(scenarios.mixed, ['templateUsage'])).toThrow(/mixed has no operation templateUsage; its operations: listTemplates/);
    expect(() => onlyOperations(scenarios.mixed, [])).toThrow(/no operation/);
  });

  test('the seeded PRNG repeats its sequence for a seed', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const seqA = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(seqA);
    expect(Array.from({ length: 5 }, c)).not.toEqual(seqA);
    for (const x of seqA) expect(x >= 0 && x < 1).toBe(true);
  });

  test('fixtures prefer the bulk templates, fall back to any, and refuse none', () => {
    const edge = (id: string, name: string) => ({ node: { id, name, variables: [{ name: 'x' }] } });
    const bulk = { edges: [edge('b1', 'bulk-000001')] };
    const any = { edges: [edge('a1', 'other')] };
    const cats = [{ category: 'data' }];
    expect(parseFixtures({ data: { bulk, any, categories: cats } }, 'r').templates.map((t) => t.id)).toEqual(['b1']);
    expect(parseFixtures({ data: { bulk: { edges: [] }, any, categories: cats } }, 'r')).toEqual({
      runId: 'r',
      templates: [{ id: 'a1', name: 'other', variables: ['x'] }],
      categories: ['data'],
    });
    expect(() => parseFixtures({ data: { bulk: { edges: [] }, any: { edges: [] }, categories: [] } }, 'r')).toThrow(/seed:bulk/);
    expect(() => parseFixtures({ errors: [{ message: 'boom' }] }, 'r')).toThrow(/boom/);
  });

  test('GraphQL errors are recognised in a body, and error-like text inside values is not', () => {
    expect(bodyHasGraphQLErrors('{"errors":[{"message":"x"}],"data":null}')).toBe(true);
    expect(bodyHasGraphQLErrors('{"data":{"a":1},"errors":[{"message":"x"}]}')).toBe(true);
    expect(bodyHasGraphQLErrors(JSON.stringify({ data: { content: '"errors":[1]' } }))).toBe(false);
    expect(HELLO_BODY.query).toContain('hello');
  });
});

describe('how the local runner plays a load shape', () => {
  /** Clients connected at `t` seconds into the run, summed over the layers. */
  const levelAt = (layers: ReturnType<typeof connectionLayers>, t: number) =>
    layers.filter((l) => l.startSeconds <= t && t < l.startSeconds + l.durationSeconds).reduce((n, l) => n + l.connections, 0);

  test('the spike ramps up and down a step a second, as k6 ramps its VUs', () => {
    expect(loadSteps(scenarios.spike.load)).toEqual([
      { level: 8, durationSeconds: 10 },
      ...[58, 107, 157, 206, 256].map((level) => ({ level, durationSeconds: 1 })),
      { level: 256, durationSeconds: 20 },
      ...[206, 157, 107, 58, 8].map((level) => ({ level, durationSeconds: 1 })),
      { level: 8, durationSeconds: 10 },
    ]);
  });

  test('the spike keeps its 8 clients for the whole run; the others join during the ramp up and leave during the ramp down', () => {
    expect(connectionLayers(scenarios.spike.load)).toEqual([
      { connections: 8, startSeconds: 0, durationSeconds: 50 },
      { connections: 50, startSeconds: 10, durationSeconds: 29 },
      { connections: 49, startSeconds: 11, durationSeconds: 27 },
      { connections: 50, startSeconds: 12, durationSeconds: 25 },
      { connections: 49, startSeconds: 13, durationSeconds: 23 },
      { connections: 50, startSeconds: 14, durationSeconds: 21 },
    ]);
  });

  test('a constant shape is one layer', () => {
    expect(connectionLayers(scenarios.mixed.load)).toEqual([{ connections: 64, startSeconds: 0, durationSeconds: 60 }]);
  });

  test('steps ramp from each level to the next target; the layers add up to them and never reconnect a client', () => {
    const rng = createRng(42);
    for (let run = 0; run < 200; run++) {
      const startConnections = 1 + Math.floor(rng() * 30);
      const stages = Array.from({ length: 1 + Math.floor(rng() * 7) }, () => ({
        durationSeconds: 1 + Math.floor(rng() * 5),
        target: Math.floor(rng() * 5) * 10,
      }));
      const load: LoadShape = { kind: 'stages', startConnections, stages };
      const steps = loadSteps(load);
      const why = JSON.stringify({ startConnections, stages });
      // Each stage's steps move monotonically from the level before it to its own target, which they end on.
      let i = 0;
      let from = startConnections;
      for (const stage of stages) {
        let seconds = 0;
        let previous = Math.max(1, from);
        while (seconds < stage.durationSeconds - 1e-9) {
          const step = steps[i++]!;
          // A ramp is climbed a second at a time at most; a stage that keeps the level is one step.
          expect(step.durationSeconds, why).toBeLessThanOrEqual(from === stage.target ? stage.durationSeconds : 1);
          expect(Math.sign(step.level - previous) * Math.sign(stage.target - from), why).toBeGreaterThanOrEqual(0);
          previous = step.level;
          seconds += step.durationSeconds;
        }
        expect(previous, why).toBe(Math.max(1, stage.target));
        from = stage.target;
      }
      expect(i).toBe(steps.length);

      const layers = connectionLayers(load);
      let t = 0;
      for (const step of steps) {
        for (const at of [t, t + step.durationSeconds / 2, t + step.durationSeconds - 0.001]) {
          expect(levelAt(layers, at), why).toBe(step.level);
        }
        t += step.durationSeconds;
      }
      expect(levelAt(layers, t)).toBe(0);
      // No client is dropped and another connected at the same moment: where the level rises layers only start,
      // where it falls they only end.
      const at = (x: number) => Math.round(x * 1e6);
      const boundaries = new Set(layers.flatMap((l) => [at(l.startSeconds), at(l.startSeconds + l.durationSeconds)]));
      for (const b of boundaries) {
        const starting = layers.filter((l) => at(l.startSeconds) === b).length;
        const ending = layers.filter((l) => at(l.startSeconds + l.durationSeconds) === b).length;
        expect(starting === 0 || ending === 0, `${why} at ${b}`).toBe(true);
      }
    }
  });
});
