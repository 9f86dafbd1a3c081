/**
 * `npm run load -- <scenario…|all> [options]`: runs the scenarios of load/scenarios.ts with autocannon
 * against the service, which it starts itself, and against a plain graphql-yoga hello-world server (the
 * ceiling), in the same run. Prints the figures and writes them as JSON under load/results/.
 *
 * Options:
 *   --connections N        override the scenario's connections (constant scenarios)
 *   --duration S           override the duration in seconds (staged scenarios are scaled to it)
 *   --warmup S             warm-up before measuring, not counted (default 5)
 *   --ceiling-duration S   how long to measure the ceiling (default: the duration, at most 15)
 *   --skip-ceiling         do not measure the ceiling
 *   --rounds N             constant scenarios: alternate N slices of the ceiling and N of the scenario, each
 *                          1/N of the duration, so both see the same moments of a shared machine (default 1:
 *                          the ceiling is measured once, right before the scenario)
 *   --skip-seed            do not seed the bulk data set
 *   --templates/--usage/--memory/--contents/--seed/--reset   the bulk data set (see npm run seed:bulk)
 *   --out DIR              where to write the JSON (default load/results)
 *   --cpu-prof             profile the service (node --cpu-prof) into <out>/profiles/
 *   --service-node-args A  extra Node flags for the service process, after those of npm start's script,
 *                          e.g. --service-node-args=--max-semi-space-size=8
 *   --operation NAME       only this operation of each scenario's mix (repeatable): what it costs alone
 *   --accept-encoding E    send `Accept-Encoding: E` with the scenario's requests, as browsers do (e.g. gzip)
 *   --callgrind            count instructions instead of timing (Valgrind's callgrind; constant scenarios):
 *   --requests N           ...N counted requests (default 3000)
 *   --warmup-requests N    ...after N not counted (default 4000)
 *   --jit-names            ...naming compiled JavaScript functions (V8's --perf-basic-prof; a few % more)
 *
 * The database: DATABASE_URL when set, otherwise an embedded PostgreSQL of the runner's own (data under
 * LOAD_PG_DIR, default .data/load-pg, on a free port). REDIS_URL and every other setting are passed through
 * to the service.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../../src/config.ts';
import { createDb } from '../../src/db/create-db.ts';
import { startEmbeddedPostgres, type EmbeddedPg } from '../../src/db/embedded.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import {
  bodyHasGraphQLErrors,
  connectionLayers,
  createRng,
  FIXTURE_BODY,
  HELLO_BODY,
  isScenarioName,
  newRunId,
  onlyOperations,
  parseFixtures,
  peakConnections,
  pickOperation,
  scenarios,
  totalDurationSeconds,
  type Fixtures,
  type GraphQLBody,
  type LoadShape,
  type Scenario,
  type ScenarioName,
} from '../scenarios.ts';
import { BULK_SEED_ARGS, bulkSeedSizes, seedBulk, type BulkSeedResult } from '../seed/bulk-seed.ts';
import { summariseCollections, type CollectionSummary } from './gc.ts';
import type { ChildStats, FromChild } from './ipc.ts';
import { callgrindArgs, callgrindControl, parsePerfMap, perRequest, readDump, requireValgrind } from './callgrind.ts';
import { CpuTracker, localDatabasePids, readCpuMs, readRssKb } from './proc.ts';
import { summariseHeapAtPeak, type HeapAtPeakSummary } from './heap.ts';
import { round } from './round.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
/** `all` runs these, in this order (soak is long: name it to run it). */
const ALL: ScenarioName[] = ['mixed', 'read-heavy', 'write-heavy', 'spike', 'template-by-id', 'templates-usage'];

// ---------------------------------------------------------------------------------------------------------
// Child processes

interface Child {
  proc: ChildProcess;
  url: string;
  pid: number;
  request<T extends FromChild['type']>(msg: { type: 'reset' | 'stats' }, reply: T): Promise<Extract<FromChild, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * The Node flags `npm start` gives the service (the words between `node` and the script in package.json's
 * start script, such as its heap bounds), so the runner measures the service as it is run.
 */
function startScriptNodeFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (const w of words.slice(1)) {
    if (!w.startsWith('--')) break;
    if (w !== '--experimental-strip-types') flags.push(w);
  }
  return flags;
}

/** Children still running, so an interrupted run can stop them. */
const liveChildren = new Set<ChildProcess>();

/**
 * Forks a server module and waits for its `ready` message. A `.js` name is the compiled module under `dist/`,
 * run as `npm start` runs the service (compiled by `npm run build`, so no TypeScript compiler in memory); a
 * `.ts` one runs on Node's own type stripping.
 */
async function startChild(file: string, env: NodeJS.ProcessEnv, execArgv: string[] = [], valgrindArgs?: string[]): Promise<Child> {
  const compiled = file.endsWith('.js');
  const nodeArgs = compiled ? execArgv : ['--experimental-strip-types', ...execArgv];
  const proc = fork(compiled ? path.join(ROOT, 'dist/load/runner', file) : path.join(HERE, file), [], {
    cwd: ROOT,
    env,
    // Under Valgrind (--callgrind): `valgrind <its arguments> node <node's> <module>`, same process id.
    ...(valgrindArgs ? { execPath: 'valgrind', execArgv: [...valgrindArgs, process.execPath, ...nodeArgs] } : { execArgv: nodeArgs }),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  liveChildren.add(proc);
  proc.once('exit', () => liveChildren.delete(proc));
  const ready = await new Promise<Extract<FromChild, { type: 'ready' }>>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`${file} exited (code ${code}) before it was ready`));
    proc.once('exit', onExit);
    proc.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        proc.off('exit', onExit);
        resolve(m);
      }
    });
  });
  return {
    proc,
    url: ready.url,
    pid: ready.pid,
    request(msg, reply) {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${file} exited (code ${code}) while asked for ${msg.type}`));
        const on = (m: FromChild) => {
          if (m.type === reply) {
            proc.off('message', on);
            proc.off('exit', onExit);
            resolve(m as never);
          }
        };
        proc.on('message', on);
        proc.once('exit', onExit);
        proc.send(msg);
      });
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.send({ type: 'stop' });
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Samplers: the server child's RSS (from /proc) and the database connections in use (pg_stat_activity)

interface Sampled {
  peakRssMb: number | null;
  /** The peak's two parts: anonymous memory (V8's heap, malloc, stacks) and file-backed pages (the node binary). */
  peakRssAnonMb: number | null;
  peakRssFileMb: number | null;
  /** The kernel's high-water mark for the child since it started (includes start-up and warm-up). */
  hwmRssMb: number | null;
  peakDbConnectionsActive: number | null;
  peakDbConnectionsOpen: number | null;
}

function startSamplers(pid: number, db: pg.Client | undefined): { stop(): Promise<Sampled> } {
  let peak = { rss: 0, anon: 0, file: 0 };
  let hwmKb = 0;
  let peakActive = -1;
  let peakOpen = -1;
  const sampleRss = () => {
    const r = readRssKb(pid);
    if (r && r.rss > peak.rss) peak = r;
    if (r && r.hwm > hwmKb) hwmKb = r.hwm;
  };
  const rssTimer = setInterval(sampleRss, 200);
  let stopped = false;
  const dbLoop = (async () => {
    while (db && !stopped) {
      try {
        const { rows } = await db.query(
          `SELECT count(*) FILTER (WHERE state IS DISTINCT FROM 'idle')::int AS active, count(*)::int AS open
           FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
        );
        const r = rows[0] as { active: number; open: number };
        peakActive = Math.max(peakActive, r.active);
        peakOpen = Math.max(peakOpen, r.open);
      } catch {
        // A failed sample is skipped; the run goes on.
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearInterval(rssTimer);
      await dbLoop;
      sampleRss();
      const mb = (kb: number) => (kb > 0 ? round(kb / 1024, 1) : null);
      return {
        peakRssMb: mb(peak.rss),
        peakRssAnonMb: mb(peak.anon),
        peakRssFileMb: mb(peak.file),
        hwmRssMb: mb(hwmKb),
        peakDbConnectionsActive: peakActive >= 0 ? peakActive : null,
        peakDbConnectionsOpen: peakOpen >= 0 ? peakOpen : null,
      };
    },
  };
}

/**
 * The load generator's own figures over the measured run: its CPU share (of one core) and how late its event
 * loop ran. A generator that lags adds its lag to every latency it measures.
 */
function startGeneratorMonitor(): { stop(): { cpuPercent: number | null; eventLoopDelayMs: { p99: number | null; max: number | null } } } {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const cpuAtStart = process.cpuUsage();
  const startedAt = performance.now();
  return {
    stop() {
      delay.disable();
      const cpu = process.cpuUsage(cpuAtStart);
      const wallUs = (performance.now() - startedAt) * 1000;
      return {
        cpuPercent: round((100 * (cpu.user + cpu.system)) / wallUs, 1),
        eventLoopDelayMs: { p99: round(delay.percentile(99) / 1e6), max: round(delay.max / 1e6) },
      };
    },
  };
}

interface TimelinePoint {
  atSeconds: number;
  rps: number;
  p99Ms: number | null;
  rssMb: number | null;
}

/** Every `everySeconds`: the req/s and p99 of the interval just ended and the service's RSS (is a soak flat?). */
function startTimeline(pid: number, fired: Fired, everySeconds: number): { stop(): TimelinePoint[] } {
  const points: TimelinePoint[] = [];
  const started = performance.now();
  let from = 0;
  let last = started;
  const take = () => {
    const now = performance.now();
    const slice = fired.latenciesMs.slice(from);
    from = fired.latenciesMs.length;
    const sorted = Float64Array.from(slice).sort();
    const rss = readRssKb(pid);
    points.push({
      atSeconds: round((now - started) / 1000, 1) ?? 0,
      rps: Math.round(slice.length / ((now - last) / 1000)),
      p99Ms: round(percentile(sorted, 99)),
      rssMb: rss ? round(rss.rss / 1024, 1) : null,
    });
    last = now;
  };
  const timer = setInterval(take, everySeconds * 1000);
  return {
    stop() {
      clearInterval(timer);
      if (fired.latenciesMs.length > from) take();
      return points;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Firing requests

interface OpFigures {
  requests: number;
  /** Milliseconds from building the request to its answer (close to, not exactly, the wire latency). */
  latenciesMs: number[];
  graphqlErrors: number;
  non2xx: number;
  /** The first error message seen for this operation, to say why it fails. */
  firstError?: string;
}

interface Fired {
  seconds: number;
  responses: number;
  latenciesMs: number[];
  transportErrors: number;
  timeouts: number;
  non2xx: number;
  graphqlErrors: number;
  /** Responses that came compressed (--accept-encoding): the generator cannot read GraphQL errors inside them. */
  compressed: number;
  perOperation: Record<string, OpFigures>;
  /** CPU time the server process used while these requests ran (see withServerCpu); null when unknown. */
  serverCpuMs: number | null;
  /** CPU time PostgreSQL's processes used meanwhile, when it runs on this machine (see withServerCpu); else null. */
  databaseCpuMs: number | null;
}

function emptyFired(): Fired {
  return { seconds: 0, responses: 0, latenciesMs: [], transportErrors: 0, timeouts: 0, non2xx: 0, graphqlErrors: 0, compressed: 0, perOperation: {}, serverCpuMs: 0, databaseCpuMs: 0 };
}

/**
 * Runs `work` (requests to the server process `pid`) and adds the CPU time that process used meanwhile, all its
 * threads, to `into.serverCpuMs`, which turns null once a reading fails. Stretches measured on one server must
 * not overlap, or its time would be counted twice. With `databasePids`, the CPU time of those processes (asked
 * for again every second, as they come and go) is added to `into.databaseCpuMs` the same way.
 */
async function withServerCpu(
  pid: number,
  into: Fired,
  work: () => Promise<unknown>,
  databasePids?: () => Promise<number[]>,
): Promise<void> {
  // Only when asked for: the ceiling's stretches read no database.
  const database = databasePids && new CpuTracker();
  const readDatabase = async () => database?.read(await databasePids!());
  await readDatabase();
  const timer = database ? setInterval(() => void readDatabase(), 1_000) : undefined;
  const before = readCpuMs(pid);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const after = readCpuMs(pid);
  await readDatabase();
  const databaseMs = database ? database.totalMs : null;
  into.serverCpuMs = before === undefined || after === undefined || into.serverCpuMs === null ? null : into.serverCpuMs + (after - before);
  into.databaseCpuMs = databaseMs === null || into.databaseCpuMs === null ? null : into.databaseCpuMs + databaseMs;
}

function firstErrorMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { message?: string; extensions?: { code?: string } }[] };
    const e = parsed.errors?.[0];
    return e ? `${e.extensions?.code ?? 'ERROR'}: ${e.message ?? ''}`.slice(0, 300) : body.slice(0, 300);
  } catch {
    return body.slice(0, 300);
  }
}

/**
 * Runs autocannon for one constant stretch, `length` seconds long (or until it has sent `{ requests }`), sending
 * the bodies `next` builds (with `headers` besides the JSON ones); adds the figures to `into`.
 */
async function fire(
  url: string,
  connections: number,
  length: number | { requests: number },
  next: () => { op: string; body: GraphQLBody },
  into: Fired,
  headers: Record<string, string> = {},
): Promise<void> {
  const started = performance.now();
  const options: autocannon.Options = {
    url: `${url}/graphql`,
    connections,
    // A counted run is one under Valgrind, tens of times slower: its requests may take seconds.
    ...(typeof length === 'number' ? { duration: length, timeout: 10 } : { amount: length.requests, timeout: 300 }),
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    requests: [
      {
        setupRequest(req, context) {
          const { op, body } = next();
          Object.assign(context, { op, t0: performance.now() });
          return { ...req, method: 'POST', path: '/graphql', body: JSON.stringify(body) };
        },
        onResponse(status, body, context, responseHeaders) {
          const { op = '?', t0 } = context as { op?: string; t0?: number };
          const f = (into.perOperation[op] ??= { requests: 0, latenciesMs: [], graphqlErrors: 0, non2xx: 0 });
          f.requests++;
          if (t0 !== undefined) f.latenciesMs.push(performance.now() - t0);
          if (status < 200 || status > 299) {
            f.non2xx++;
            f.firstError ??= `HTTP ${status}: ${firstErrorMessage(body)}`;
          } else if (responseHeaders?.['content-encoding']) {
            // The body arrives decoded as UTF-8 text, which a compressed body is not: nothing to search.
            into.compressed++;
          } else if (bodyHasGraphQLErrors(body)) {
            f.graphqlErrors++;
            into.graphqlErrors++;
            f.firstError ??= firstErrorMessage(body);
          }
        },
      },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err: unknown, r: autocannon.Result) => (err ? reject(err) : resolve(r)));
    // 'response' carries (client, status, bytes, ms) at runtime; the typings leave out the client.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_c: unknown, _s: number, _b: number, ms: number) => {
      into.latenciesMs.push(ms);
    });
  });
  into.seconds += (performance.now() - started) / 1000;
  into.responses += result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  into.transportErrors += result.errors;
  into.timeouts += result.timeouts;
  into.non2xx += result.non2xx;
}

/**
 * Runs a load shape as its connection layers (see connectionLayers): each layer's clients connect at its start
 * and stay until its end, so a client lives on from step to step as a k6 VU does.
 */
async function fireShape(
  url: string,
  load: LoadShape,
  next: () => { op: string; body: GraphQLBody },
  into: Fired,
  headers: Record<string, string> = {},
): Promise<Fired> {
  const started = performance.now();
  const secondsBefore = into.seconds;
  await Promise.all(
    connectionLayers(load).map(async (layer) => {
      const wait = layer.startSeconds * 1000 - (performance.now() - started);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await fire(url, layer.connections, layer.durationSeconds, next, into, headers);
    }),
  );
  // The layers overlap: the run lasted as long as the shape, not the sum of the layers.
  into.seconds = secondsBefore + (performance.now() - started) / 1000;
  return into;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function latencySummary(latencies: readonly number[]) {
  const sorted = Float64Array.from(latencies).sort();
  const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : NaN;
  return {
    mean: round(mean),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(percentile(sorted, 100)),
  };
}

function perOperation(f: Fired) {
  return Object.fromEntries(
    Object.entries(f.perOperation).map(([op, o]) => [
      op,
      { requests: o.requests, graphqlErrors: o.graphqlErrors, non2xx: o.non2xx, firstError: o.firstError, latencyMs: latencySummary(o.latenciesMs) },
    ]),
  );
}

function summarise(f: Fired) {
  const failed = f.transportErrors + f.non2xx + f.graphqlErrors;
  const attempted = f.responses + f.transportErrors;
  return {
    requests: f.responses,
    seconds: round(f.seconds, 1),
    rps: round(f.responses / f.seconds, 0),
    // What a request costs the server in CPU, whatever else the machine was doing: steadier than req/s.
    serverCpuUsPerRequest: f.serverCpuMs !== null && f.responses > 0 ? round((f.serverCpuMs * 1000) / f.responses, 0) : null,
    // The same for PostgreSQL, when it shares the machine: what the service's statements cost there.
    databaseCpuUsPerRequest: f.databaseCpuMs !== null && f.responses > 0 ? round((f.databaseCpuMs * 1000) / f.responses, 0) : null,
    latencyMs: latencySummary(f.latenciesMs),
    errors: {
      transport: f.transportErrors,
      timeouts: f.timeouts,
      non2xx: f.non2xx,
      graphql: f.graphqlErrors,
      // Compressed responses whose GraphQL errors were not looked for (--accept-encoding).
      uncheckedCompressed: f.compressed,
      failedRate: attempted ? round(failed / attempted, 5) : null,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Scenario runs

/** A load shape with the command line's overrides applied. */
function shapeFor(scenario: Scenario, connections: number | undefined, duration: number | undefined): LoadShape {
  const load = scenario.load;
  if (load.kind === 'constant') {
    return { kind: 'constant', connections: connections ?? load.connections, durationSeconds: duration ?? load.durationSeconds };
  }
  if (duration === undefined) return load;
  const scale = duration / totalDurationSeconds(load);
  return { ...load, stages: load.stages.map((s) => ({ ...s, durationSeconds: Math.max(1, Math.round(s.durationSeconds * scale)) })) };
}

async function postJson(url: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}/graphql answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  return res.json();
}

/**
 * The request generator of a scenario: a weighted pick per request, variables from a seeded PRNG. Requests are
 * dealt to `clients` virtual clients in turn (autocannon does not say which connection asks), so per-client
 * data such as memory sessions is spread as under k6.
 */
function generatorFor(scenario: Scenario, fixtures: Fixtures, seed: number, clients: number) {
  const rng = createRng(seed);
  let n = 0;
  return () => {
    const op = pickOperation(scenario.mix, rng());
    const vu = (n % clients) + 1;
    const iteration = Math.floor(n / clients);
    n++;
    return { op: op.name, body: op.build({ rng, fixtures, vu, iteration }) };
  };
}

type CeilingFigures = ReturnType<typeof summarise> & { connections: number };

/** The ceiling's only request. */
const helloRequest = () => ({ op: 'hello', body: HELLO_BODY });

/** Starts the hello-world server and warms it up. */
async function startCeilingServer(connections: number, warmup: number): Promise<Child> {
  const hello = await startChild('hello-child.ts', helloEnv());
  if (warmup > 0) await fire(hello.url, connections, warmup, helloRequest, emptyFired());
  return hello;
}

async function measureCeiling(connections: number, seconds: number, warmup: number): Promise<CeilingFigures> {
  const hello = await startCeilingServer(connections, warmup);
  try {
    const f = emptyFired();
    await withServerCpu(hello.pid, f, () => fire(hello.url, connections, seconds, helloRequest, f));
    return { connections, ...summarise(f) };
  } finally {
    await hello.stop();
  }
}

/** The cache's hit ratio over the measured window (counters at the end minus at the reset), in total and per kind. */
function cacheFiguresOfRun(stats: ChildStats) {
  const a = stats.cacheAtReset;
  const b = stats.cacheNow;
  if (!a || !b) return { hitRatio: null, errors: null, store: null, byKind: {} };
  const ratio = (hits: number, misses: number) => (hits + misses > 0 ? round(hits / (hits + misses), 4) : null);
  const byKind: Record<string, { hits: number; misses: number; hitRatio: number | null }> = {};
  for (const [kind, now] of Object.entries(b.byKind)) {
    const before = a.byKind[kind] ?? { hits: 0, misses: 0, errors: 0 };
    const hits = now.hits - before.hits;
    const misses = now.misses - before.misses;
    if (hits + misses > 0) byKind[kind] = { hits, misses, hitRatio: ratio(hits, misses) };
  }
  return { hitRatio: ratio(b.hits - a.hits, b.misses - a.misses), errors: b.errors - a.errors, store: b.store, byKind };
}

interface RunContext {
  databaseUrl: string;
  monitor: pg.Client | undefined;
  warmup: number;
  connections: number | undefined;
  duration: number | undefined;
  ceilingDuration: number | undefined;
  skipCeiling: boolean;
  rounds: number;
  dataset: BulkSeedResult | undefined;
  outDir: string;
  cpuProf: boolean;
  serviceNodeArgs: string[];
  /** Headers sent with the scenario's requests besides the JSON ones (Accept-Encoding). */
  headers: Record<string, string>;
}

/** The hello-world server's environment: production, as the service's (graphql-js checks less there). */
function helloEnv(): NodeJS.ProcessEnv {
  return { ...process.env, NODE_ENV: 'production' };
}

/** The service's environment under load: production defaults, but no API keys unless asked for (AUTH_MODE=required). */
function serviceEnv(ctx: RunContext): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: ctx.databaseUrl,
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'production',
    AUTH_MODE: process.env.AUTH_MODE ?? 'off', // the runner sends no key
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
}

async function runScenario(scenario: Scenario, ctx: RunContext) {
  const load = shapeFor(scenario, ctx.connections, ctx.duration);
  const connections = peakConnections(load);
  const seconds = totalDurationSeconds(load);
  console.log(`\n▶ ${scenario.name}: ${scenario.description}`);
  console.log(
    load.kind === 'constant'
      ? `  ${connections} connections for ${seconds} s (after ${ctx.warmup} s of warm-up)`
      : `  stages ${load.stages.map((s) => `${s.target}×${s.durationSeconds}s`).join(' → ')} (after ${ctx.warmup} s of warm-up)`,
  );

  // Measured right before the scenario (or interleaved with it), never reused from an earlier one: on a shared
  // machine the ceiling moves.
  let ceiling: CeilingFigures | undefined;
  const interleaved = !ctx.skipCeiling && ctx.rounds > 1 && load.kind === 'constant';
  let hello: Child | undefined;
  if (interleaved) {
    console.log(`  alternating ${ctx.rounds} slices of the hello-world ceiling and of the scenario, ${round(seconds / ctx.rounds, 1)} s each`);
    hello = await startCeilingServer(connections, Math.min(ctx.warmup, 3));
  } else if (!ctx.skipCeiling) {
    const s = ctx.ceilingDuration ?? Math.min(seconds, 15);
    console.log(`  measuring the hello-world ceiling at ${connections} connections for ${s} s…`);
    ceiling = await measureCeiling(connections, s, Math.min(ctx.warmup, 3));
  }
  const loadavgBefore = os.loadavg().map((n) => round(n, 2));

  const app = await startChild('app-child.js', serviceEnv(ctx), [
    ...ctx.serviceNodeArgs,
    ...(ctx.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(ctx.outDir, 'profiles')}`, `--cpu-prof-name=${scenario.name}-${Date.now()}.cpuprofile`] : []),
  ]).catch(async (err: unknown) => {
    await hello?.stop(); // the ceiling's server does not outlive a service that failed to start
    throw err;
  });
  try {
    const fixtures = parseFixtures(await postJson(app.url, FIXTURE_BODY), newRunId(Date.now(), Math.random));
    const next = generatorFor(scenario, fixtures, 0x5eed, connections);
    if (ctx.warmup > 0) await fire(app.url, Math.min(connections, 64), ctx.warmup, next, emptyFired(), ctx.headers);
    await app.request({ type: 'reset' }, 'reset-done');
    const fired = emptyFired();
    const generator = startGeneratorMonitor();
    const samplers = startSamplers(app.pid, ctx.monitor);
    const databasePids = localDatabasePids(ctx.monitor, ctx.databaseUrl);
    const timeline = startTimeline(app.pid, fired, Math.max(5, Math.round(seconds / 60)));
    if (hello) {
      const ceilingFired = emptyFired();
      const slice = seconds / ctx.rounds;
      for (let r = 0; r < ctx.rounds; r++) {
        await withServerCpu(hello.pid, ceilingFired, () => fire(hello.url, connections, slice, helloRequest, ceilingFired));
        await withServerCpu(app.pid, fired, () => fire(app.url, connections, slice, next, fired, ctx.headers), databasePids);
      }
      ceiling = { connections, ...summarise(ceilingFired) };
    } else {
      await withServerCpu(app.pid, fired, () => fireShape(app.url, load, next, fired, ctx.headers), databasePids);
    }
    const loadGenerator = generator.stop();
    const sampled = await samplers.stop();
    const points = timeline.stop();
    const { stats } = await app.request({ type: 'stats' }, 'stats');
    const summary = summarise(fired);
    const rps = summary.rps ?? 0;
    const cache = cacheFiguresOfRun(stats);
    const server = {
      ...sampled,
      poolMax: stats.poolMax,
      poolPeakBusy: stats.poolPeakBusy,
      poolPeakWaiting: stats.poolPeakWaiting,
      sqlStatements: stats.statements,
      failedSqlStatements: stats.failedStatements,
      sqlPerRequest: summary.requests ? round(stats.statements / summary.requests, 2) : null,
      cacheHitRatio: cache.hitRatio,
      cache,
      heapUsedMb: round(stats.memory.heapUsed / 1048576, 1),
      heapTotalMb: round(stats.memory.heapTotal / 1048576, 1),
      heapAtPeak: summariseHeapAtPeak(stats.heapAtPeak),
      gc: summariseCollections(stats.gc, summary.requests, fired.serverCpuMs),
      mallocTrim: {
        ...stats.mallocTrim,
        seconds: round(stats.mallocTrim.seconds, 3),
        meanMs: stats.mallocTrim.trims ? round((stats.mallocTrim.seconds * 1000) / stats.mallocTrim.trims, 2) : null,
      },
      eventLoopUtilization: round(stats.eventLoop.utilization, 3),
      eventLoopDelayMs: { p50: round(stats.eventLoop.delayP50Ms), p99: round(stats.eventLoop.delayP99Ms), max: round(stats.eventLoop.delayMaxMs) },
      serviceTimeMs: {
        requests: stats.serviceTimeMs.requests,
        p50: round(stats.serviceTimeMs.p50),
        p95: round(stats.serviceTimeMs.p95),
        p99: round(stats.serviceTimeMs.p99),
        max: round(stats.serviceTimeMs.max),
      },
    };
    const ratio = ceiling?.rps ? round(rps / ceiling.rps, 3) : null;
    // The same comparison made on CPU per request: the ceiling's cost as a share of the scenario's.
    const cpuCostRatio =
      ceiling?.serverCpuUsPerRequest && summary.serverCpuUsPerRequest ? round(ceiling.serverCpuUsPerRequest / summary.serverCpuUsPerRequest, 3) : null;
    const t = scenario.thresholds;
    const thresholds = {
      failedRate: { limit: t.failedRate, value: summary.errors.failedRate, ok: (summary.errors.failedRate ?? 1) < t.failedRate },
      p95Ms: { limit: t.p95Ms, value: summary.latencyMs.p95, ok: (summary.latencyMs.p95 ?? Infinity) < t.p95Ms },
      p99Ms: { limit: t.p99Ms, value: summary.latencyMs.p99, ok: (summary.latencyMs.p99 ?? Infinity) < t.p99Ms },
    };
    const targets: Record<string, { target: number; value: number | null; met: boolean | null }> = {};
    const tg = scenario.targets ?? {};
    const atLeast = (name: string, target: number | undefined, value: number | null) => {
      if (target !== undefined) targets[name] = { target, value, met: value === null ? null : value >= target };
    };
    const atMost = (name: string, target: number | undefined, value: number | null) => {
      if (target !== undefined) targets[name] = { target, value, met: value === null ? null : value <= target };
    };
    atLeast('ceilingRatio', tg.minCeilingRatio, ratio);
    atMost('p99Ms', tg.maxP99Ms, summary.latencyMs.p99);
    atMost('failedRate', tg.maxFailedRate, summary.errors.failedRate);
    atMost('serverRssMb', tg.maxServerRssMb, server.peakRssMb);
    atMost('dbConnections', tg.maxDbConnections, server.peakDbConnectionsOpen);
    atLeast('cacheHitRatio', tg.minCacheHitRatio, server.cacheHitRatio);

    const report = {
      scenario: scenario.name,
      description: scenario.description,
      at: new Date().toISOString(),
      load,
      warmupSeconds: ctx.warmup,
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        // 1, 5 and 15-minute load averages before and after the measured run: other work on the machine shows here.
        loadavgBefore,
        loadavgAfter: os.loadavg().map((n) => round(n, 2)),
      },
      service: {
        nodeArgs: ctx.serviceNodeArgs,
        acceptEncoding: ctx.headers['accept-encoding'] ?? null,
        database: process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded',
        redis: Boolean(process.env.REDIS_URL),
        dataset: ctx.dataset ? { marker: ctx.dataset.marker, counts: ctx.dataset.counts } : null,
        fixtureTemplates: fixtures.templates.length,
      },
      ...summary,
      ceiling: ceiling ?? null,
      // 'interleaved': the ceiling and the scenario alternated in `rounds` slices (server-side figures such as
      // the event loop's load then span both); 'before': measured once, right before the scenario.
      ceilingMode: ceiling ? (hello ? { kind: 'interleaved', rounds: ctx.rounds } : { kind: 'before' }) : null,
      ceilingRatio: ratio,
      cpuCostRatio,
      server,
      loadGenerator,
      thresholds,
      targets,
      perOperation: perOperation(fired),
      timeline: points,
    };
    print(report);
    mkdirSync(ctx.outDir, { recursive: true });
    const file = path.join(ctx.outDir, `${scenario.name}-${report.at.replaceAll(':', '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`  → ${path.relative(process.cwd(), file)}`);
    return report;
  } finally {
    await app.stop();
    await hello?.stop();
  }
}

/** How much slower a program runs under callgrind, roughly: the service's time-based settings are stretched by it. */
const VALGRIND_SLOWDOWN = 50;

/**
 * `--callgrind`: the scenario's requests counted in executed instructions instead of timed. The service (and,
 * unless --skip-ceiling, the hello-world server) runs under callgrind; after `warmupRequests` (counted neither),
 * `requests` are sent with instrumentation on. Under Valgrind the service runs tens of times slower, so its
 * timeouts and cache lifetimes are stretched by VALGRIND_SLOWDOWN: a cached entry then lives as many requests
 * as it would at full speed.
 */
async function countInstructions(
  scenario: Scenario,
  ctx: RunContext,
  counts: { requests: number; warmupRequests: number; jitNames: boolean },
) {
  if (scenario.load.kind !== 'constant') throw new Error(`--callgrind counts constant scenarios only; ${scenario.name} is staged`);
  requireValgrind();
  const connections = Math.min(ctx.connections ?? scenario.load.connections, 64);
  const dir = path.join(ctx.outDir, 'callgrind');
  mkdirSync(dir, { recursive: true });
  console.log(`\n▶ ${scenario.name} under callgrind: ${counts.warmupRequests} requests to warm up, then ${counts.requests} counted, ${connections} connections`);
  const config = loadConfig();
  const stretch = (name: string, ms: number) => ({ [name]: process.env[name] ?? String(ms * VALGRIND_SLOWDOWN) });
  const env = {
    ...serviceEnv(ctx),
    // Every request is slow under Valgrind: no warning for each.
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ...stretch('DB_CONNECT_TIMEOUT_MS', config.db.connectTimeoutMs),
    ...stretch('DB_STATEMENT_TIMEOUT_MS', config.db.statementTimeoutMs),
    ...stretch('CACHE_TIMEOUT_MS', config.cache.timeoutMs),
    ...stretch('CACHE_TTL_TEMPLATE_MS', config.cache.ttl.templateMs),
    ...stretch('CACHE_TTL_USAGE_MS', config.cache.ttl.usageMs),
    ...stretch('CACHE_TTL_LIST_MS', config.cache.ttl.listMs),
  };
  const measure = async (
    name: string,
    child: Child,
    childEnv: NodeJS.ProcessEnv,
    next: () => { op: string; body: GraphQLBody },
    headers: Record<string, string>,
  ) => {
    await fire(child.url, connections, { requests: counts.warmupRequests }, next, emptyFired(), headers);
    callgrindControl(child.pid, 'zero', childEnv);
    callgrindControl(child.pid, 'instr on', childEnv);
    const fired = emptyFired();
    await fire(child.url, connections, { requests: counts.requests }, next, fired, headers);
    callgrindControl(child.pid, 'dump', childEnv);
    callgrindControl(child.pid, 'instr off', childEnv);
    const failed = fired.transportErrors + fired.non2xx + fired.graphqlErrors;
    if (failed) throw new Error(`${name}: ${failed} of ${fired.responses} counted requests failed`);
    return {
      requests: fired.responses,
      dump: () => {
        const perfMap = `/tmp/perf-${child.pid}.map`;
        const jitName = counts.jitNames && existsSync(perfMap) ? parsePerfMap(readFileSync(perfMap, 'utf8')) : undefined;
        rmSync(perfMap, { force: true });
        return perRequest(readDump(dir, name, child.pid), fired.responses, 25, jitName);
      },
    };
  };

  const at = new Date().toISOString();
  const tag = `${scenario.name}-${at.replaceAll(':', '-')}`;
  // --perf-basic-prof: V8 writes where each compiled function's code is, to name it in callgrind's counts (and
  // logs each move of code by the collector, a few per cent more instructions: only when asked for).
  const names = counts.jitNames ? ['--perf-basic-prof'] : [];
  const app = await startChild('app-child.js', env, [...ctx.serviceNodeArgs, ...names], callgrindArgs(dir, `${tag}-service`));
  let service;
  let statements: number;
  try {
    const fixtures = parseFixtures(await postJson(app.url, FIXTURE_BODY), newRunId(Date.now(), Math.random));
    const next = generatorFor(scenario, fixtures, 0x5eed, connections);
    await app.request({ type: 'reset' }, 'reset-done');
    const counted = await measure(`${tag}-service`, app, env, next, ctx.headers);
    const { stats } = await app.request({ type: 'stats' }, 'stats');
    // Statements of the warm-up and the counted requests alike: counters are reset before the warm-up.
    statements = stats.statements / (counts.warmupRequests + counted.requests);
    service = counted.dump();
  } finally {
    await app.stop();
  }
  let ceiling;
  if (!ctx.skipCeiling) {
    const ceilingEnv = helloEnv();
    const hello = await startChild('hello-child.ts', ceilingEnv, names, callgrindArgs(dir, `${tag}-ceiling`));
    try {
      ceiling = (await measure(`${tag}-ceiling`, hello, ceilingEnv, helloRequest, {})).dump();
    } finally {
      await hello.stop();
    }
  }
  const report = {
    scenario: scenario.name,
    at,
    requests: counts.requests,
    warmupRequests: counts.warmupRequests,
    connections,
    nodeArgs: ctx.serviceNodeArgs,
    acceptEncoding: ctx.headers['accept-encoding'] ?? null,
    sqlStatementsPerRequest: round(statements, 3),
    instructionsPerRequest: { service, ceiling: ceiling ?? null },
    // The ceiling's instructions as a share of the service's: what the ratio of req/s would be on a machine
    // where an instruction always took the same time.
    ceilingRatio: ceiling ? round(ceiling.allThreads / service.allThreads, 3) : null,
    ceilingRatioMainThread: ceiling ? round(ceiling.mainThread / service.mainThread, 3) : null,
  };
  const k = (n: number) => `${Math.round(n / 1000)}k`;
  console.log(`  instructions per request: service ${k(service.allThreads)} (main thread ${k(service.mainThread)}, other threads ${k(service.otherThreads)}); SQL/request ${report.sqlStatementsPerRequest}`);
  if (ceiling) {
    console.log(`  the ceiling's: ${k(ceiling.allThreads)} (main thread ${k(ceiling.mainThread)}): ${(report.ceilingRatio! * 100).toFixed(1)}% of the service's (main thread ${(report.ceilingRatioMainThread! * 100).toFixed(1)}%)`);
  }
  console.log(`  by thread: ${service.threads.map((t) => `${t.thread}: ${k(t.instructions)}`).join(', ')}`);
  console.log('  main thread, costliest functions (own instructions per request):');
  for (const f of service.topFunctions) console.log(`    ${String(f.instructions).padStart(9)}  ${f.name.slice(0, 110)}`);
  const file = path.join(ctx.outDir, `${tag}-instructions.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`  → ${path.relative(process.cwd(), file)} (callgrind's files: ${path.relative(process.cwd(), dir)})`);
  return report;
}

function print(r: {
  rps: number | null;
  requests: number;
  latencyMs: Record<string, number | null>;
  errors: Record<string, number | null>;
  ceiling: CeilingFigures | null;
  ceilingRatio: number | null;
  serverCpuUsPerRequest: number | null;
  databaseCpuUsPerRequest: number | null;
  cpuCostRatio: number | null;
  server: Record<string, unknown>;
  loadGenerator: ReturnType<ReturnType<typeof startGeneratorMonitor>['stop']>;
  thresholds: Record<string, { limit: number; value: number | null; ok: boolean }>;
  targets: Record<string, { target: number; value: number | null; met: boolean | null }>;
  perOperation: ReturnType<typeof perOperation>;
  timeline: TimelinePoint[];
}) {
  const l = r.latencyMs;
  const e = r.errors;
  const s = r.server;
  console.log(`  req/s ${r.rps} (${r.requests} requests)` + (r.ceiling ? `, ${((r.ceilingRatio ?? 0) * 100).toFixed(1)}% of the hello-world ceiling ${r.ceiling.rps} req/s` : ''));
  console.log(`  latency ms: mean ${l.mean}  p50 ${l.p50}  p95 ${l.p95}  p99 ${l.p99}  max ${l.max}`);
  if (r.serverCpuUsPerRequest !== null) {
    console.log(
      `  server CPU per request: ${r.serverCpuUsPerRequest} µs` +
        (r.ceiling?.serverCpuUsPerRequest ? `; the ceiling's ${r.ceiling.serverCpuUsPerRequest} µs, ${((r.cpuCostRatio ?? 0) * 100).toFixed(1)}% of it` : ''),
    );
  }
  if (r.databaseCpuUsPerRequest !== null) {
    console.log(`  database CPU per request: ${r.databaseCpuUsPerRequest} µs (PostgreSQL's processes on this machine)`);
  }
  console.log(
    `  errors: transport ${e.transport} (timeouts ${e.timeouts}), non-2xx ${e.non2xx}, GraphQL ${e.graphql}; failed rate ${e.failedRate}` +
      (e.uncheckedCompressed ? `; ${e.uncheckedCompressed} compressed responses not searched for GraphQL errors` : ''),
  );
  console.log(
    `  server: peak RSS ${s.peakRssMb} MB (anonymous ${s.peakRssAnonMb}, file-backed ${s.peakRssFileMb}), DB connections in use ${s.peakDbConnectionsActive} (open ${s.peakDbConnectionsOpen}), ` +
      `pool busy ${s.poolPeakBusy}/${s.poolMax} (waiting ${s.poolPeakWaiting}), SQL/request ${s.sqlPerRequest}, cache hit ratio ${s.cacheHitRatio ?? 'n/a'}`,
  );
  const loop = s.eventLoopDelayMs as { p99: number | null } | undefined;
  const kinds = Object.entries((s.cache as { byKind: Record<string, { hitRatio: number | null; hits: number; misses: number }> }).byKind);
  if (kinds.length) console.log(`  cache by kind: ${kinds.map(([k, v]) => `${k} ${v.hitRatio} (${v.hits}/${v.hits + v.misses})`).join(', ')}`);
  console.log(
    `  event loop: ${Math.round(Number(s.eventLoopUtilization) * 100)}% busy, delay p99 ${loop?.p99} ms; heap ${s.heapUsedMb} MB used of ${s.heapTotalMb} MB`,
  );
  const atPeak = s.heapAtPeak as HeapAtPeakSummary | null | undefined;
  if (atPeak) {
    console.log(
      `  at the service's highest RSS sample (${atPeak.rssMb} MB): V8's heap ${atPeak.v8HeapMb} MB resident (young ${atPeak.youngMb}, ` +
        `old ${atPeak.oldMb}, code and bytecode ${atPeak.codeMb}, other ${atPeak.otherMb}), outside it ${atPeak.outsideHeapMb} (malloc, stacks, the binary's pages)`,
    );
  }
  const trim = s.mallocTrim as { active: boolean; trims: number; released: number; meanMs: number | null } | undefined;
  if (trim) {
    console.log(
      trim.active
        ? `  malloc arenas trimmed ${trim.trims} times (${trim.released} gave memory back), ${trim.meanMs ?? 'n/a'} ms each on libuv's pool (mean)`
        : '  malloc arenas not trimmed (MALLOC_TRIM_INTERVAL_MS=0, or the malloc-trim addon is not built)',
    );
  }
  const gc = s.gc as CollectionSummary;
  console.log(
    `  GC: ${gc.young.count} young (${gc.young.pauseMs} ms), ${gc.full.count} full (${gc.full.pauseMs} ms), ` +
      `${gc.incremental.count} incremental steps (${gc.incremental.pauseMs} ms); pauses ${gc.pauseUsPerRequest} µs per request` +
      (gc.pauseShareOfCpu === null ? '' : `, ${(gc.pauseShareOfCpu * 100).toFixed(1)}% of the service's CPU`),
  );
  const st = s.serviceTimeMs as Record<string, number | null>;
  const g = r.loadGenerator;
  console.log(
    `  time inside the service ms: p50 ${st.p50}  p95 ${st.p95}  p99 ${st.p99}  max ${st.max}; ` +
      `load generator: CPU ${g.cpuPercent}% of a core, loop delay p99 ${g.eventLoopDelayMs.p99} max ${g.eventLoopDelayMs.max} ms`,
  );
  for (const [op, f] of Object.entries(r.perOperation)) {
    const bad = f.graphqlErrors + f.non2xx;
    console.log(
      `    ${op.padEnd(24)} ${String(f.requests).padStart(8)} requests, p50 ${f.latencyMs.p50} p99 ${f.latencyMs.p99} ms` +
        (bad ? `, ${bad} failed: ${f.firstError}` : ''),
    );
  }
  if (r.timeline.length > 2) {
    console.log(`  timeline (s: req/s, p99 ms, RSS MB): ${r.timeline.map((p) => `${p.atSeconds}: ${p.rps}, ${p.p99Ms}, ${p.rssMb}`).join(' | ')}`);
  }
  const th = Object.entries(r.thresholds).map(([k, v]) => `${k} ${v.value} < ${v.limit} ${v.ok ? 'ok' : 'FAILED'}`);
  console.log(`  thresholds: ${th.join(', ')}`);
  const tg = Object.entries(r.targets).map(([k, v]) => `${k} ${v.value} vs ${v.target} ${v.met === null ? 'n/a' : v.met ? 'met' : 'MISSED'}`);
  if (tg.length) console.log(`  targets: ${tg.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------------------

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function positive(name: string, v: string | undefined, allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${name} must be a positive number, got "${v}"`);
  return n;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ...BULK_SEED_ARGS,
      connections: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string', default: '5' },
      'ceiling-duration': { type: 'string' },
      'skip-ceiling': { type: 'boolean', default: false },
      rounds: { type: 'string', default: '1' },
      'skip-seed': { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'service-node-args': { type: 'string' },
      operation: { type: 'string', multiple: true },
      'accept-encoding': { type: 'string' },
      callgrind: { type: 'boolean', default: false },
      'jit-names': { type: 'boolean', default: false },
      requests: { type: 'string', default: '3000' },
      'warmup-requests': { type: 'string', default: '4000' },
      out: { type: 'string', default: path.join(ROOT, 'load/results') },
    },
  });
  const names = positionals.flatMap((p) => (p === 'all' ? ALL : [p]));
  if (names.length === 0) {
    console.error(`usage: npm run load -- <${Object.keys(scenarios).join('|')}|all> [--connections N] [--duration S] …`);
    return 2;
  }
  const unknown = names.filter((n) => !isScenarioName(n));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}`);
    return 2;
  }
  const operations = values.operation ?? [];
  let chosen: Scenario[];
  try {
    chosen = names.map((n) => {
      const scenario = scenarios[n as ScenarioName];
      return operations.length ? onlyOperations(scenario, operations) : scenario;
    });
  } catch (err) {
    console.error((err as Error).message);
    return 2;
  }
  const config = loadConfig();
  const sizes = bulkSeedSizes(values);
  // The service runs compiled, as `npm start` runs it: build it from the current sources first.
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });

  let embedded: EmbeddedPg | undefined;
  let databaseUrl = process.env.DATABASE_URL;
  let monitor: pg.Client | undefined;
  // An interrupted run still stops what it started: the server children and the embedded PostgreSQL.
  const interrupt = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping`);
    const exits = [...liveChildren].map((child) => new Promise((resolve) => child.once('exit', resolve)));
    for (const child of liveChildren) child.kill('SIGTERM');
    const grace = new Promise((resolve) => setTimeout(resolve, 5_000));
    void Promise.race([Promise.all(exits), grace])
      .then(() => embedded?.stop())
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    if (!databaseUrl) {
      const port = await freePort();
      const dir = process.env.LOAD_PG_DIR ?? path.join(ROOT, '.data/load-pg');
      console.log(`starting an embedded PostgreSQL (${path.relative(process.cwd(), dir) || dir}) on 127.0.0.1:${port}…`);
      embedded = await startEmbeddedPostgres({ dir, port, database: 'prompt_templates' });
      databaseUrl = embedded.url;
    }
    const handle = createDb({ url: databaseUrl, ...config.db });
    try {
      await migrateToLatest(handle.db);
    } finally {
      await handle.close();
    }
    let dataset: BulkSeedResult | undefined;
    if (!values['skip-seed']) {
      console.log(`bulk data set: ${sizes.templates} templates, ${sizes.usage} usage events, ${sizes.memory} memory entries…`);
      dataset = await seedBulk(databaseUrl, { ...sizes, categories: config.templates.categories });
      console.log(
        dataset.status === 'seeded'
          ? `  seeded in ${((dataset.timings.total ?? 0) / 1000).toFixed(1)} s ${JSON.stringify(dataset.timings)}`
          : `  already present (${dataset.marker})`,
      );
    }
    monitor = new pg.Client({ connectionString: databaseUrl });
    monitor.on('error', () => {}); // the database going away (an interrupted run) is not the monitor's to report
    await monitor.connect();
    const ctx: RunContext = {
      databaseUrl,
      monitor,
      warmup: positive('warmup', values.warmup, true) ?? 5,
      connections: positive('connections', values.connections),
      duration: positive('duration', values.duration),
      ceilingDuration: positive('ceiling-duration', values['ceiling-duration']),
      skipCeiling: values['skip-ceiling'],
      rounds: Math.round(positive('rounds', values.rounds) ?? 1),
      dataset,
      outDir: path.resolve(values.out),
      cpuProf: values['cpu-prof'],
      // npm start's flags first: a flag given again with --service-node-args wins (Node takes the last one).
      serviceNodeArgs: [...startScriptNodeFlags(), ...(values['service-node-args'] ?? '').split(/\s+/).filter(Boolean)],
      headers: values['accept-encoding'] ? { 'accept-encoding': values['accept-encoding'] } : {},
    };
    if (values.callgrind) {
      // A count is of a fixed number of requests: a staged load shape has nothing to count it over.
      const staged = chosen.filter((c) => c.load.kind !== 'constant');
      if (staged.length) console.log(`--callgrind counts constant scenarios only: skipping ${staged.map((c) => c.name).join(', ')}`);
      const counts = {
        requests: Math.round(positive('requests', values.requests) ?? 3000),
        warmupRequests: Math.round(positive('warmup-requests', values['warmup-requests'], true) ?? 4000),
        jitNames: values['jit-names'],
      };
      for (const scenario of chosen) if (scenario.load.kind === 'constant') await countInstructions(scenario, ctx, counts);
      return staged.length === chosen.length ? 2 : 0;
    }
    let failed = 0;
    for (const scenario of chosen) {
      const report = await runScenario(scenario, ctx);
      if (!Object.values(report.thresholds).every((t) => t.ok)) failed++;
    }
    // Like k6, a crossed threshold makes the exit code non-zero (99).
    return failed ? 99 : 0;
  } finally {
    await monitor?.end().catch(() => {});
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
