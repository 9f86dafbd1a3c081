/**
 * The load scenarios, defined once and run by both the k6 scripts (`load/k6/*.ts`) and the local autocannon
 * runner (`npm run load`). This module must stay free of Node and k6 imports: it is plain data and pure
 * functions that build GraphQL request bodies.
 *
 * A scenario is a weighted mix of GraphQL operations, a load shape (a fixed number of connections for a
 * duration, or stages) and thresholds. One k6 VU and one autocannon connection are the same thing: a client
 * that sends its next request as soon as the previous answer arrived (a closed model, no think time).
 */

/** What every operation may draw on: data discovered once before the run (see FIXTURE_QUERY). */
export interface Fixtures {
  /** Distinguishes this run's writes (template names, memory sessions) from earlier runs'. */
  runId: string;
  /** Templates to read and render, hottest first; each with its declared variable names. */
  templates: { id: string; name: string; variables: string[] }[];
  categories: string[];
}

export interface OperationContext {
  /** Uniform in [0, 1). */
  rng: () => number;
  fixtures: Fixtures;
  /** The client (VU or connection) number and its iteration: together unique within a run. */
  vu: number;
  iteration: number;
}

export interface GraphQLBody {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

export interface Operation {
  name: string;
  build(ctx: OperationContext): GraphQLBody;
}

export interface WeightedOperation {
  operation: Operation;
  weight: number;
}

export interface Stage {
  durationSeconds: number;
  /** Connections (VUs) at the end of the stage, ramped to linearly from the level before (see loadSteps). */
  target: number;
}

export type LoadShape =
  | { kind: 'constant'; connections: number; durationSeconds: number }
  | { kind: 'stages'; startConnections: number; stages: Stage[] };

export interface Thresholds {
  /** Largest acceptable share of failed requests (transport errors, non-2xx, or GraphQL errors). */
  failedRate: number;
  p95Ms: number;
  p99Ms: number;
}

/**
 * The benchmark targets only the local runner can check (k6 sees neither the server's memory nor its database):
 * they are reported as met or missed, never turned into a failure.
 */
export interface Targets {
  /** Least req/s as a share of the hello-world ceiling measured in the same run. */
  minCeilingRatio?: number;
  maxP99Ms?: number;
  maxFailedRate?: number;
  maxServerRssMb?: number;
  /** Most database connections in use at once. */
  maxDbConnections?: number;
  minCacheHitRatio?: number;
}

export interface Scenario {
  name: string;
  description: string;
  mix: WeightedOperation[];
  load: LoadShape;
  thresholds: Thresholds;
  targets?: Targets;
}

/** Marks the templates written by `npm run seed:bulk` (their `createdBy`). */
export const BULK_AUTHOR = 'seed:bulk';
/** Bulk-seeded conversations: sessions `bulk-session-000000`…, each with conversations `conv-0`…`conv-4`. */
export const BULK_SESSION_PREFIX = 'bulk-session-';
export const BULK_CONVERSATIONS_PER_SESSION = 5;
/** Reads pick among this many bulk sessions (present whenever the data set has at least 100,000 memories). */
export const BULK_SESSIONS_READ = 1000;

export const AI_MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4', 'llama-3-70b'] as const;

// ---------------------------------------------------------------------------------------------------------
// Fixtures

/** Run once before the load: finds templates to use (the bulk-seeded ones when present) and the categories. */
export const FIXTURE_QUERY = `query LoadFixtures($author: String!) {
  bulk: templates(first: 100, filter: { createdBy: $author }) { edges { node { id name variables { name } } } }
  any: templates(first: 100) { edges { node { id name variables { name } } } }
  categories { category }
}`;

export const FIXTURE_BODY: GraphQLBody = {
  operationName: 'LoadFixtures',
  query: FIXTURE_QUERY,
  variables: { author: BULK_AUTHOR },
};

type Edge = { node?: { id?: unknown; name?: unknown; variables?: { name?: unknown }[] } };

function nodesOf(conn: unknown): Fixtures['templates'] {
  const edges = (conn as { edges?: Edge[] } | null)?.edges ?? [];
  const out: Fixtures['templates'] = [];
  for (const e of edges) {
    const n = e.node;
    if (n && typeof n.id === 'string' && typeof n.name === 'string') {
      out.push({ id: n.id, name: n.name, variables: (n.variables ?? []).map((v) => String(v.name)) });
    }
  }
  return out;
}

/** Turns the FIXTURE_QUERY response into Fixtures; throws when the service has no templates to load. */
export function parseFixtures(response: unknown, runId: string): Fixtures {
  const r = response as { data?: { bulk?: unknown; any?: unknown; categories?: { category?: unknown }[] }; errors?: unknown };
  if (!r || !r.data) throw new Error(`fixture query failed: ${JSON.stringify(r && r.errors).slice(0, 500)}`);
  const bulk = nodesOf(r.data.bulk);
  const templates = bulk.length > 0 ? bulk : nodesOf(r.data.any);
  if (templates.length === 0) throw new Error('the service has no templates: run `npm run seed:bulk` first');
  const categories = (r.data.categories ?? []).map((c) => String(c.category));
  return { runId, templates, categories };
}

/** A short id for one run, usable in template names (`[a-z0-9]`). */
export function newRunId(nowMs: number, rng: () => number): string {
  return nowMs.toString(36) + Math.floor(rng() * 36 ** 4).toString(36).padStart(4, '0');
}

// ---------------------------------------------------------------------------------------------------------
// Randomness and picking

/** A small seeded PRNG (mulberry32), so a client's request sequence is reproducible from its seed. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks an operation with probability proportional to its weight. */
export function pickOperation(mix: readonly WeightedOperation[], r: number): Operation {
  let total = 0;
  for (const w of mix) total += w.weight;
  let x = r * total;
  for (const w of mix) {
    x -= w.weight;
    if (x < 0) return w.operation;
  }
  return mix[mix.length - 1]!.operation;
}

/**
 * The scenario with only the named operations of its mix, at their weights and on its load shape: what one
 * operation of a mix costs on its own. Its name says which (`mixed_readConversation`: a k6 scenario's name
 * takes letters, digits, `_` and `-` only); it keeps the thresholds but not the targets, which are set for the
 * whole mix. A name not in the mix is an error.
 */
export function onlyOperations(scenario: Scenario, names: readonly string[]): Scenario {
  const known = scenario.mix.map((w) => w.operation.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new Error(`${scenario.name} has no operation ${unknown.join(', ') || '(none given)'}; its operations: ${known.join(', ')}`);
  }
  const { targets: _wholeMix, ...rest } = scenario;
  return {
    ...rest,
    name: `${scenario.name}_${names.join('_')}`,
    description: `${scenario.name}, ${names.join(' and ')} only`,
    mix: scenario.mix.filter((w) => names.includes(w.operation.name)),
  };
}

/** A skewed pick: low indexes (the hot set) are chosen far more often, as real traffic does. */
function pickSkewed<T>(items: readonly T[], r: number): T {
  return items[Math.min(items.length - 1, Math.floor(items.length * r * r))]!;
}

function pickUniform<T>(items: readonly T[], r: number): T {
  return items[Math.min(items.length - 1, Math.floor(items.length * r))]!;
}

const pad6 = (n: number) => String(n).padStart(6, '0');

function bulkConversation(rng: () => number) {
  return {
    sessionId: BULK_SESSION_PREFIX + pad6(Math.floor(rng() * BULK_SESSIONS_READ)),
    conversationId: `conv-${Math.floor(rng() * BULK_CONVERSATIONS_PER_SESSION)}`,
  };
}

function variablesFor(t: Fixtures['templates'][number], ctx: OperationContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of t.variables) out[name] = `${name} value ${ctx.iteration % 97}`;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Operations

export const operations = {
  listTemplates: {
    name: 'listTemplates',
    build: (ctx) => {
      const category = ctx.fixtures.categories.length > 0 && ctx.rng() < 0.5 ? pickUniform(ctx.fixtures.categories, ctx.rng()) : null;
      return {
        operationName: 'ListTemplates',
        query: `query ListTemplates($first: Int, $category: String) {
  templates(first: $first, filter: { category: $category }) {
    edges { node { id name category version updatedAt } }
    pageInfo { hasNextPage endCursor }
  }
}`,
        variables: { first: 20, category },
      };
    },
  },
  getTemplate: {
    name: 'getTemplate',
    build: (ctx) => ({
      operationName: 'GetTemplate',
      query: `query GetTemplate($id: ID!) {
  template(id: $id) { id name description category content version variables { name required defaultValue } updatedAt }
}`,
      variables: { id: pickSkewed(ctx.fixtures.templates, ctx.rng()).id },
    }),
  },
  getTemplateByName: {
    name: 'getTemplateByName',
    build: (ctx) => ({
      operationName: 'GetTemplateByName',
      query: `query GetTemplateByName($name: String!) {
  templateByName(name: $name) { id name content version variables { name required defaultValue } }
}`,
      variables: { name: pickSkewed(ctx.fixtures.templates, ctx.rng()).name },
    }),
  },
  templateUsage: {
    name: 'templateUsage',
    build: (ctx) => ({
      operationName: 'TemplateUsage',
      query: `query TemplateUsage($id: ID!) {
  template(id: $id) { id usageCount usage { count successRate avgResponseTimeMs lastUsedAt byModel { aiModel count } } }
}`,
      variables: { id: pickSkewed(ctx.fixtures.templates, ctx.rng()).id },
    }),
  },
  templatesWithUsage: {
    name: 'templatesWithUsage',
    build: () => ({
      operationName: 'TemplatesWithUsage',
      query: `query TemplatesWithUsage($author: String!) {
  templates(first: 50, filter: { createdBy: $author }) { edges { node { id usageCount } } }
}`,
      variables: { author: BULK_AUTHOR },
    }),
  },
  popularTemplates: {
    name: 'popularTemplates',
    build: () => ({
      operationName: 'PopularTemplates',
      query: `query PopularTemplates { popularTemplates(limit: 10) { usageCount template { id name } } }`,
      variables: {},
    }),
  },
  categories: {
    name: 'categories',
    build: () => ({
      operationName: 'Categories',
      query: `query Categories { categories { category count } }`,
      variables: {},
    }),
  },
  renderTemplate: {
    name: 'renderTemplate',
    build: (ctx) => {
      const t = pickSkewed(ctx.fixtures.templates, ctx.rng());
      return {
        operationName: 'RenderTemplate',
        query: `mutation RenderTemplate($id: ID!, $variables: JSON, $aiModel: String) {
  renderTemplate(id: $id, variables: $variables, aiModel: $aiModel) { templateId version rendered }
}`,
        variables: { id: t.id, variables: variablesFor(t, ctx), aiModel: pickUniform(AI_MODELS, ctx.rng()) },
      };
    },
  },
  createTemplate: {
    name: 'createTemplate',
    build: (ctx) => ({
      operationName: 'CreateTemplate',
      query: `mutation CreateTemplate($input: CreateTemplateInput!) { createTemplate(input: $input) { id version } }`,
      variables: {
        input: {
          name: `load-${ctx.fixtures.runId}-${ctx.vu}-${ctx.iteration}`,
          description: 'Written by a load test',
          category: ctx.fixtures.categories[0] ?? 'development',
          content: 'Summarise {{ text }} for {{ audience }} in {{ words }} words.',
          variables: [
            { name: 'text' },
            { name: 'audience', required: false, defaultValue: 'engineers' },
            { name: 'words', required: false, defaultValue: 100 },
          ],
          createdBy: 'load',
        },
      },
    }),
  },
  recordUsage: {
    name: 'recordUsage',
    build: (ctx) => {
      const r = ctx.rng();
      return {
        operationName: 'RecordUsage',
        query: `mutation RecordUsage($templateId: ID!, $aiModel: String, $success: Boolean!, $responseTimeMs: Int) {
  recordUsage(templateId: $templateId, aiModel: $aiModel, success: $success, responseTimeMs: $responseTimeMs) { id }
}`,
        variables: {
          templateId: pickSkewed(ctx.fixtures.templates, ctx.rng()).id,
          aiModel: r < 0.1 ? null : pickUniform(AI_MODELS, ctx.rng()),
          success: r < 0.95,
          responseTimeMs: 50 + Math.floor(ctx.rng() * 3000),
        },
      };
    },
  },
  recordGeneratedContent: {
    name: 'recordGeneratedContent',
    build: (ctx) => ({
      operationName: 'RecordGeneratedContent',
      query: `mutation RecordGeneratedContent($input: GeneratedContentInput!) { recordGeneratedContent(input: $input) { id } }`,
      variables: {
        input: {
          templateId: pickSkewed(ctx.fixtures.templates, ctx.rng()).id,
          aiModel: pickUniform(AI_MODELS, ctx.rng()),
          inputVariables: { topic: `topic ${ctx.iteration % 31}` },
          content: `Generated answer ${ctx.iteration} `.repeat(8),
          tokensUsed: 100 + Math.floor(ctx.rng() * 900),
          responseTimeMs: 200 + Math.floor(ctx.rng() * 2000),
        },
      },
    }),
  },
  appendMemory: {
    name: 'appendMemory',
    build: (ctx) => ({
      operationName: 'AppendMemory',
      query: `mutation AppendMemory($input: MemoryInput!) { appendMemory(input: $input) { id createdAt } }`,
      variables: {
        input: {
          sessionId: `load-${ctx.fixtures.runId}-${ctx.vu}`,
          conversationId: `conv-${ctx.iteration % 4}`,
          role: ctx.iteration % 2 === 0 ? 'USER' : 'ASSISTANT',
          content: `Message ${ctx.iteration} of a load-test conversation.`,
          metadata: { tokens: 10 + (ctx.iteration % 50) },
          ttlSeconds: 3600,
        },
      },
    }),
  },
  readConversation: {
    name: 'readConversation',
    build: (ctx) => ({
      operationName: 'ReadConversation',
      query: `query ReadConversation($sessionId: String!, $conversationId: String!) {
  conversation(sessionId: $sessionId, conversationId: $conversationId) {
    entries(first: 20) { edges { node { id role content createdAt } } }
  }
}`,
      variables: bulkConversation(ctx.rng),
    }),
  },
} satisfies Record<string, Operation>;

/** The ceiling's only operation, answered by the hello-world server. */
export const HELLO_BODY: GraphQLBody = { operationName: 'Hello', query: 'query Hello { hello }', variables: {} };

// ---------------------------------------------------------------------------------------------------------
// Scenarios

const o = operations;

/** The everyday mix: list 3, get 2, render 1, create 1, plus memory append and read. */
const MIXED_MIX: WeightedOperation[] = [
  { operation: o.listTemplates, weight: 3 },
  { operation: o.getTemplate, weight: 2 },
  { operation: o.renderTemplate, weight: 1 },
  { operation: o.createTemplate, weight: 1 },
  { operation: o.appendMemory, weight: 1 },
  { operation: o.readConversation, weight: 1 },
];

export const scenarios = {
  mixed: {
    name: 'mixed',
    description: "The service's everyday mix: list templates 3, get one 2, render 1, create 1, append and read memory 1 each.",
    mix: MIXED_MIX,
    load: { kind: 'constant', connections: 64, durationSeconds: 60 },
    thresholds: { failedRate: 0.001, p95Ms: 30, p99Ms: 50 },
    targets: { minCeilingRatio: 0.5, maxP99Ms: 50, maxFailedRate: 0, maxServerRssMb: 200, maxDbConnections: 10 },
  },
  'read-heavy': {
    name: 'read-heavy',
    description: 'Reads only, concentrated on a hot set: the cache should answer at least 95% of them.',
    mix: [
      { operation: o.getTemplate, weight: 6 },
      { operation: o.getTemplateByName, weight: 2 },
      { operation: o.templateUsage, weight: 2 },
      { operation: o.listTemplates, weight: 2 },
      { operation: o.popularTemplates, weight: 1 },
      { operation: o.categories, weight: 1 },
    ],
    load: { kind: 'constant', connections: 64, durationSeconds: 60 },
    thresholds: { failedRate: 0.001, p95Ms: 25, p99Ms: 50 },
    targets: { minCacheHitRatio: 0.95 },
  },
  'write-heavy': {
    name: 'write-heavy',
    description: 'Mostly writes: renders and usage events (rollups), generated content, memory appends, new templates.',
    mix: [
      { operation: o.renderTemplate, weight: 3 },
      { operation: o.recordUsage, weight: 3 },
      { operation: o.appendMemory, weight: 3 },
      { operation: o.recordGeneratedContent, weight: 1 },
      { operation: o.createTemplate, weight: 1 },
      { operation: o.getTemplate, weight: 1 },
    ],
    load: { kind: 'constant', connections: 32, durationSeconds: 60 },
    thresholds: { failedRate: 0.001, p95Ms: 100, p99Ms: 200 },
  },
  spike: {
    name: 'spike',
    description: 'The everyday mix, from a trickle to a burst of 256 clients and back: errors must stay away.',
    mix: MIXED_MIX,
    load: {
      kind: 'stages',
      startConnections: 8,
      stages: [
        { durationSeconds: 10, target: 8 },
        { durationSeconds: 5, target: 256 },
        { durationSeconds: 20, target: 256 },
        { durationSeconds: 5, target: 8 },
        { durationSeconds: 10, target: 8 },
      ],
    },
    thresholds: { failedRate: 0.001, p95Ms: 250, p99Ms: 500 },
  },
  soak: {
    name: 'soak',
    description: 'The everyday mix at moderate load for 30 minutes: latency and memory must stay flat.',
    mix: MIXED_MIX,
    load: { kind: 'constant', connections: 32, durationSeconds: 30 * 60 },
    thresholds: { failedRate: 0.001, p95Ms: 30, p99Ms: 60 },
  },
  'template-by-id': {
    name: 'template-by-id',
    description: 'Single-operation benchmark: template(id) over a hot set (cached).',
    mix: [{ operation: o.getTemplate, weight: 1 }],
    load: { kind: 'constant', connections: 64, durationSeconds: 30 },
    thresholds: { failedRate: 0.001, p95Ms: 20, p99Ms: 40 },
    targets: { minCeilingRatio: 0.8 },
  },
  'templates-usage': {
    name: 'templates-usage',
    description: 'Single-operation benchmark: templates(first: 50) { usageCount } over 1,000,000 usage events.',
    mix: [{ operation: o.templatesWithUsage, weight: 1 }],
    load: { kind: 'constant', connections: 64, durationSeconds: 30 },
    thresholds: { failedRate: 0.001, p95Ms: 40, p99Ms: 80 },
    targets: { minCeilingRatio: 0.4 },
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;

export function isScenarioName(name: string): name is ScenarioName {
  return Object.prototype.hasOwnProperty.call(scenarios, name);
}

/** The highest number of connections a load shape reaches. */
export function peakConnections(load: LoadShape): number {
  if (load.kind === 'constant') return load.connections;
  return Math.max(load.startConnections, ...load.stages.map((s) => s.target));
}

/** The total duration of a load shape, in seconds. */
export function totalDurationSeconds(load: LoadShape): number {
  if (load.kind === 'constant') return load.durationSeconds;
  return load.stages.reduce((sum, s) => sum + s.durationSeconds, 0);
}

/** A stretch of a load shape the local runner plays at one number of clients. */
export interface Step {
  level: number;
  durationSeconds: number;
}

/**
 * A load shape as the local runner plays it: steps of at most one second, each at a number of clients. A stage
 * ramps linearly from the level before it (the shape's `startConnections` for the first) to its target, as k6
 * ramps its VUs; the runner climbs or descends that ramp a step at a time, never below one client.
 */
export function loadSteps(load: LoadShape): Step[] {
  if (load.kind === 'constant') return [{ level: load.connections, durationSeconds: load.durationSeconds }];
  const steps: Step[] = [];
  let from = load.startConnections;
  for (const stage of load.stages) {
    const count = from === stage.target ? 1 : Math.max(1, Math.ceil(stage.durationSeconds));
    for (let i = 1; i <= count; i++) {
      steps.push({ level: Math.max(1, Math.round(from + ((stage.target - from) * i) / count)), durationSeconds: stage.durationSeconds / count });
    }
    from = stage.target;
  }
  return steps;
}

/** A group of clients that the local runner keeps connected for one stretch of a load shape. */
export interface ConnectionLayer {
  connections: number;
  startSeconds: number;
  durationSeconds: number;
}

/**
 * The clients of a load shape's steps (see loadSteps) as layers that stay connected for as long as the level
 * stays at or above them, so a client lives on from one step to the next as a k6 VU does: the spike is 8 clients
 * for the whole run, plus clients joining second by second during its ramp up and leaving during its ramp down,
 * not a fresh set of connections at every step. The layers add up to the level at every moment.
 */
export function connectionLayers(load: LoadShape): ConnectionLayer[] {
  const steps = loadSteps(load);
  const layers: ConnectionLayer[] = [];
  // Every run of steps above `base` is one layer up to its lowest level, then the same for what rises above it.
  const split = (from: number, to: number, base: number, startSeconds: number) => {
    const run = steps.slice(from, to);
    if (run.length === 0) return;
    const lowest = Math.min(...run.map((s) => s.level));
    const durationSeconds = run.reduce((sum, s) => sum + s.durationSeconds, 0);
    if (lowest > base && durationSeconds > 0) layers.push({ connections: lowest - base, startSeconds, durationSeconds });
    let i = from;
    let at = startSeconds;
    while (i < to) {
      if (steps[i]!.level === lowest) {
        at += steps[i]!.durationSeconds;
        i += 1;
        continue;
      }
      let j = i;
      let length = 0;
      while (j < to && steps[j]!.level !== lowest) length += steps[j++]!.durationSeconds;
      split(i, j, lowest, at);
      at += length;
      i = j;
    }
  };
  split(0, steps.length, 0, 0);
  return layers.sort((a, b) => a.startSeconds - b.startSeconds || b.durationSeconds - a.durationSeconds);
}

/** True when a GraphQL response body (as text) reports errors; cheap enough to run on every response. */
export function bodyHasGraphQLErrors(body: string): boolean {
  // Inside a JSON string value a quote is escaped, so `"errors":[` can only be a key.
  return body.indexOf('"errors":[') !== -1;
}
