/**
 * The service under load, started by the runner in a child process (`fork`): `startApp` exactly as `npm start`
 * does, plus an opt-in stats hook the runner reads over IPC. Counts executed SQL statements (through the
 * database handle's query listeners), samples the pool's busy and waiting clients and the event loop, and
 * reports the cache's counters (`deps.cache.stats()`), the garbage collections and what V8's heap held at the
 * highest RSS.
 *
 * Messages from the runner: `reset` (zero the counters after warm-up), `stats` (report them), `stop`.
 */
import { createHistogram, monitorEventLoopDelay, performance, type EventLoopUtilization } from 'node:perf_hooks';
import { startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { countCollections } from './gc.ts';
import { PeakMemory } from './heap.ts';
import type { ChildStats, CacheFigures, FromChild, ToChild } from './ipc.ts';

if (!process.send) throw new Error('app-child must be started with an IPC channel (child_process.fork)');
const send = (m: FromChild) => process.send!(m);

const config = loadConfig();
const app = await startApp(config, createLogger(config.logLevel));
const { pool } = app.deps.dbHandle;

/** The cache's counters (hits and misses, in total and per kind of entry), to compute the run's hit ratio. */
function cacheFigures(): CacheFigures | undefined {
  const s = app.deps.cache?.stats();
  if (!s) return undefined;
  const byKind: CacheFigures['byKind'] = {};
  for (const [kind, c] of Object.entries(s.byKind)) byKind[kind] = { hits: c.hits, misses: c.misses, errors: c.errors };
  return { hits: s.hits, misses: s.misses, errors: s.errors, hitRatio: s.hitRatio, store: s.store, byKind };
}

let statements = 0;
let failedStatements = 0;
let peakBusy = 0;
let peakWaiting = 0;
let cacheAtReset = cacheFigures();
// How busy and how late the event loop was: a saturated loop delays every pooled query's turnaround.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
let eluAtReset: EventLoopUtilization = performance.eventLoopUtilization();
let trimsAtReset = app.mallocTrim.stats();
// Each request's time inside the service, in microseconds, from the 'request' event to the response's 'finish'.
const serviceTime = createHistogram();
app.http.on('request', (_req, res) => {
  const started = performance.now();
  res.once('finish', () => serviceTime.record(Math.max(1, Math.round((performance.now() - started) * 1000))));
});

// Garbage collections, and how long they paused the service.
const collections = countCollections();

// What V8's heap held when the resident set was highest (the runner reads the RSS itself, from /proc).
const peakMemory = new PeakMemory();
setInterval(() => peakMemory.sample(), 200).unref();

function samplePool() {
  const busy = pool.totalCount - pool.idleCount;
  if (busy > peakBusy) peakBusy = busy;
  if (pool.waitingCount > peakWaiting) peakWaiting = pool.waitingCount;
}
app.deps.dbHandle.onQuery((e) => {
  statements++;
  if (e.error) failedStatements++;
  samplePool();
});
setInterval(samplePool, 10).unref();

process.on('message', (msg: ToChild) => {
  if (msg.type === 'reset') {
    statements = 0;
    failedStatements = 0;
    peakBusy = 0;
    peakWaiting = 0;
    cacheAtReset = cacheFigures();
    loopDelay.reset();
    serviceTime.reset();
    collections.reset();
    peakMemory.reset();
    trimsAtReset = app.mallocTrim.stats();
    eluAtReset = performance.eventLoopUtilization();
    send({ type: 'reset-done' });
  } else if (msg.type === 'stats') {
    const trimsNow = app.mallocTrim.stats();
    const stats: ChildStats = {
      statements,
      failedStatements,
      poolPeakBusy: peakBusy,
      poolPeakWaiting: peakWaiting,
      poolMax: config.db.poolMax,
      cacheAtReset,
      cacheNow: cacheFigures(),
      memory: process.memoryUsage(),
      heapAtPeak: peakMemory.read(),
      eventLoop: {
        utilization: performance.eventLoopUtilization(eluAtReset).utilization,
        delayP50Ms: loopDelay.percentile(50) / 1e6,
        delayP99Ms: loopDelay.percentile(99) / 1e6,
        delayMaxMs: loopDelay.max / 1e6,
      },
      serviceTimeMs: {
        requests: serviceTime.count,
        p50: serviceTime.percentile(50) / 1000,
        p95: serviceTime.percentile(95) / 1000,
        p99: serviceTime.percentile(99) / 1000,
        max: serviceTime.max / 1000,
      },
      gc: collections.read(),
      mallocTrim: {
        active: app.mallocTrim.active,
        trims: trimsNow.trims - trimsAtReset.trims,
        released: trimsNow.released - trimsAtReset.released,
        seconds: trimsNow.seconds - trimsAtReset.seconds,
      },
    };
    send({ type: 'stats', stats });
  } else if (msg.type === 'stop') {
    void app.close(2_000).finally(() => process.exit(0));
  }
});
process.on('disconnect', () => void app.close(2_000).finally(() => process.exit(0)));

// The statements the service makes by itself at start (cache warming, the idempotency purge) are over before
// the runner measures anything.
await Promise.all([app.warming, app.firstPurge]);
send({ type: 'ready', url: app.url, pid: process.pid });
