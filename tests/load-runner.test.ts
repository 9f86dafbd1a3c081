import { fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ChildStats, FromChild, ToChild } from '../load/runner/ipc.ts';
import { countCollections, summariseCollections, type Collections } from '../load/runner/gc.ts';
import { heapGroup, PeakMemory, summariseHeapAtPeak } from '../load/runner/heap.ts';
import { getHeapSpaceStatistics } from 'node:v8';
import pg from 'pg';
import { CpuTracker, isLocalDatabase, localDatabasePids, readCommand, readCpuMs, readCpuMsOf, readRssKb } from '../load/runner/proc.ts';
import { createTestDatabase } from './helpers/db.ts';
import { loadMallocTrim } from '../src/lib/malloc-trim.ts';

const CHILD = fileURLToPath(new URL('../load/runner/app-child.ts', import.meta.url));

let database: { url: string; drop(): Promise<void> };
let child: ReturnType<typeof fork>;
let url: string;

function ask<T extends FromChild['type']>(msg: ToChild, reply: T): Promise<Extract<FromChild, { type: T }>> {
  return new Promise((resolve) => {
    const on = (m: FromChild) => {
      if (m.type === reply) {
        child.off('message', on);
        resolve(m as Extract<FromChild, { type: T }>);
      }
    };
    child.on('message', on);
    child.send(msg);
  });
}

const gql = async (query: string) =>
  (await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json();

beforeAll(async () => {
  database = await createTestDatabase();
  child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      // The in-process cache (no shared Redis), and no background statements: no warming, no memory sweep.
      REDIS_URL: '',
      CACHE_WARM_COUNT: '0',
      MEMORY_SWEEP_INTERVAL_MS: '3600000',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      SEED_TEMPLATES: 'false',
      DB_POOL_MAX: '3',
      MALLOC_TRIM_INTERVAL_MS: '20',
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<Extract<FromChild, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`app-child exited with ${code}`)));
    child.on('message', (m: FromChild) => m.type === 'ready' && resolve(m));
  });
  url = ready.url;
  expect(ready.pid).toBe(child.pid);
});

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.send({ type: 'stop' } satisfies ToChild);
    await exited;
  }
  await database?.drop();
});

describe('the service child process of the load runner', () => {
  test('counts the SQL statements requests cause, from zero after a reset', async () => {
    await ask({ type: 'reset' }, 'reset-done');
    let { stats } = await ask({ type: 'stats' }, 'stats');
    expect(stats.statements).toBe(0);

    // categories is one statement; templates with totalCount is two (the page and the count).
    expect(await gql('{ categories { category } }')).toEqual({ data: { categories: [] } });
    expect(await gql('{ templates(first: 5) { totalCount edges { node { id } } } }')).toEqual({
      data: { templates: { totalCount: 0, edges: [] } },
    });
    ({ stats } = await ask({ type: 'stats' }, 'stats'));
    expect(stats).toMatchObject<Partial<ChildStats>>({ statements: 3, failedStatements: 0, poolMax: 3 });
    // The cache's counters come along, for the run's hit ratio.
    expect(stats.cacheNow?.store).toBe('memory');
    expect(typeof stats.cacheNow?.misses).toBe('number');
    expect(stats.poolPeakBusy).toBeGreaterThanOrEqual(1);
    expect(stats.poolPeakBusy).toBeLessThanOrEqual(3);
    // The time inside the service, per HTTP request since the reset.
    expect(stats.serviceTimeMs.requests).toBe(2);
    expect(stats.serviceTimeMs.p50).toBeGreaterThan(0);
    expect(stats.serviceTimeMs.max).toBeGreaterThanOrEqual(stats.serviceTimeMs.p50);

    await ask({ type: 'reset' }, 'reset-done');
    ({ stats } = await ask({ type: 'stats' }, 'stats'));
    expect(stats.statements).toBe(0);
    expect(stats.serviceTimeMs.requests).toBe(0);
  });

  test.skipIf('reason' in loadMallocTrim())('reports the trims of the malloc arenas since the reset', async () => {
    await new Promise((r) => setTimeout(r, 100));
    await ask({ type: 'reset' }, 'reset-done');
    const first = (await ask({ type: 'stats' }, 'stats')).stats.mallocTrim;
    expect(first.active).toBe(true);
    expect(first.trims).toBeLessThanOrEqual(1); // counted from the reset, not from the start
    await new Promise((r) => setTimeout(r, 200));
    const later = (await ask({ type: 'stats' }, 'stats')).stats.mallocTrim;
    expect(later.trims).toBeGreaterThanOrEqual(3);
    expect(later.released).toBeLessThanOrEqual(later.trims);
    expect(later.seconds).toBeGreaterThan(0);
  });

  test('reports the garbage collections since the reset', async () => {
    await ask({ type: 'reset' }, 'reset-done');
    // Each request allocates tens of kilobytes: some hundreds of them fill the young generation (at most 32 MB).
    let busy = (await ask({ type: 'stats' }, 'stats')).stats;
    for (let i = 0; i < 50 && busy.gc.young.count < 2; i++) {
      for (let j = 0; j < 20; j++) await Promise.all(Array.from({ length: 8 }, () => gql('{ categories { category } }')));
      await new Promise((resolve) => setTimeout(resolve, 20)); // the entries reach the observer a moment later
      busy = (await ask({ type: 'stats' }, 'stats')).stats;
    }
    expect(busy.gc.young.count).toBeGreaterThanOrEqual(2);
    expect(busy.gc.young.pauseMs).toBeGreaterThan(0);
    // The other kinds may or may not have happened; each is reported, with a pause exactly when it happened.
    for (const kind of ['full', 'incremental', 'weak'] as const) {
      expect(Number.isInteger(busy.gc[kind].count), kind).toBe(true);
      expect(busy.gc[kind].pauseMs > 0, kind).toBe(busy.gc[kind].count > 0);
    }

    await ask({ type: 'reset' }, 'reset-done');
    const { stats: after } = await ask({ type: 'stats' }, 'stats');
    expect(after.gc.young.count).toBeLessThan(busy.gc.young.count);
  });

  test("reports what V8's heap held at the highest RSS since the reset", async () => {
    await ask({ type: 'reset' }, 'reset-done');
    expect((await ask({ type: 'stats' }, 'stats')).stats.heapAtPeak).toBeNull(); // nothing sampled since the reset
    await new Promise((resolve) => setTimeout(resolve, 450)); // the child samples every 200 ms
    const peak = (await ask({ type: 'stats' }, 'stats')).stats.heapAtPeak!;
    expect(peak).not.toBeNull();
    const { young, old, code } = peak.heap;
    expect(young).toBeGreaterThan(0);
    expect(old).toBeGreaterThan(0);
    expect(code).toBeGreaterThan(0);
    const summary = summariseHeapAtPeak(peak)!;
    // The heap is part of the resident set, not all of it: the binary's pages and malloc's arenas are outside.
    expect(summary.v8HeapMb).toBeGreaterThan(5);
    expect(summary.outsideHeapMb).toBeGreaterThan(10);
    expect(summary.rssMb).toBeCloseTo(summary.v8HeapMb + summary.outsideHeapMb, 0);
  });
});

describe('the garbage-collection figures of the load runner', () => {
  test("counts this process's collections, from zero again after a reset", async () => {
    const collections = countCollections();
    try {
      let kept: number[][] = [];
      // Short-lived arrays, about 7 MB at a time, until a young collection has been seen (or 1.4 GB made).
      for (let round = 0; round < 200 && collections.read().young.count === 0; round++) {
        for (let i = 0; i < 100_000; i++) {
          kept.push([i, i + 1, i + 2]);
          if (kept.length > 1_000) kept = [];
        }
        await new Promise((resolve) => setTimeout(resolve, 5)); // the entries reach the observer a moment later
      }
      const read = collections.read();
      expect(read.young.count).toBeGreaterThanOrEqual(1);
      expect(read.young.pauseMs).toBeGreaterThan(0);
      collections.reset();
      expect(collections.read().young).toEqual({ count: 0, pauseMs: 0 });
    } finally {
      collections.stop();
    }
  });

  test('summarises the pauses per request and as a share of the CPU time', () => {
    const gc: Collections = {
      young: { count: 30, pauseMs: 45.04 },
      full: { count: 2, pauseMs: 12.5 },
      incremental: { count: 40, pauseMs: 2.46 },
      weak: { count: 0, pauseMs: 0 },
    };
    expect(summariseCollections(gc, 1_000, 600)).toEqual({
      young: { count: 30, pauseMs: 45 },
      full: { count: 2, pauseMs: 12.5 },
      incremental: { count: 40, pauseMs: 2.5 },
      weak: { count: 0, pauseMs: 0 },
      pauseUsPerRequest: 60,
      pauseShareOfCpu: 0.1,
    });
    expect(summariseCollections(gc, 0, null)).toMatchObject({ pauseUsPerRequest: null, pauseShareOfCpu: null });
  });
});

describe("the load runner's breakdown of V8's heap", () => {
  test('every space this Node.js reports falls into the group it belongs to', () => {
    const groups = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, heapGroup(s.space_name)]));
    expect(groups).toMatchObject({ new_space: 'young', old_space: 'old', code_space: 'code', large_object_space: 'old' });
    expect(heapGroup('new_large_object_space')).toBe('young');
    expect(heapGroup('trusted_space')).toBe('code');
    expect(heapGroup('code_large_object_space')).toBe('code');
    expect(heapGroup('read_only_space')).toBe('other');
    expect(heapGroup('shared_space')).toBe('other');
  });

  test('keeps the heap as it was at the highest RSS, and reads the spaces only at a new high', () => {
    const rss = [100, 150, 120, 150, 90];
    let spaceReads = 0;
    const peak = new PeakMemory(
      () => rss.shift()!,
      () => {
        spaceReads++;
        return [
          { space_name: 'new_space', physical_space_size: spaceReads },
          { space_name: 'new_large_object_space', physical_space_size: 1 },
          { space_name: 'old_space', physical_space_size: 10 * spaceReads },
          { space_name: 'trusted_space', physical_space_size: 3 },
          { space_name: 'code_space', physical_space_size: 2 },
          { space_name: 'read_only_space', physical_space_size: 7 },
        ];
      },
    );
    expect(peak.read()).toBeNull();
    for (let i = 0; i < 4; i++) peak.sample();
    expect(spaceReads).toBe(2); // at 100 and at 150; not at 120, nor at 150 again
    expect(peak.read()).toEqual({ rssBytes: 150, heap: { young: 3, old: 20, code: 5, other: 7 } });
    peak.reset();
    expect(peak.read()).toBeNull();
    peak.sample(); // 90: lower than before the reset, but the first since it
    expect(peak.read()?.rssBytes).toBe(90);
  });

  test('gives the breakdown in MB, with what lies outside the heap', () => {
    const MB = 1048576;
    expect(summariseHeapAtPeak({ rssBytes: 215.4 * MB, heap: { young: 32 * MB, old: 81.44 * MB, code: 12 * MB, other: 0 } })).toEqual({
      rssMb: 215.4,
      v8HeapMb: 125.4,
      youngMb: 32,
      oldMb: 81.4,
      codeMb: 12,
      otherMb: 0,
      outsideHeapMb: 90,
    });
    expect(summariseHeapAtPeak(null)).toBeNull();
  });
});

describe('the /proc readings of the load runner', () => {
  test("a process's CPU time agrees with what the process itself counts, and grows as it works", () => {
    const own = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    // Until this process has used `ms` of CPU (not of the clock: on a busy machine it may get less of it).
    const spin = (ms: number) => {
      const from = own();
      const giveUp = performance.now() + 30_000;
      while (own() - from < ms && performance.now() < giveUp);
    };
    const proc0 = readCpuMs(process.pid)!;
    const own0 = own();
    spin(300);
    const proc1 = readCpuMs(process.pid)!;
    const own1 = own();
    expect(proc1 - proc0).toBeGreaterThanOrEqual(250);
    // Both count every thread of the process; /proc in 10 ms ticks.
    expect(Math.abs(proc1 - proc0 - (own1 - own0))).toBeLessThanOrEqual(60);
  });

  test('the resident set is split into anonymous and file-backed memory, and an allocation grows the first', () => {
    const before = readRssKb(process.pid)!;
    // VmRSS is RssAnon + RssFile + RssShmem, and a Node process maps next to no shared memory.
    expect(before.anon + before.file).toBeLessThanOrEqual(before.rss);
    expect(before.anon + before.file).toBeGreaterThan(before.rss * 0.95);
    expect(before.file).toBeGreaterThan(10_000); // the node binary's pages
    const block = Buffer.alloc(64 * 1024 * 1024, 1); // filled, so every page is touched
    const after = readRssKb(process.pid)!;
    expect(after.anon - before.anon).toBeGreaterThan(60 * 1024);
    expect(Math.abs(after.file - before.file)).toBeLessThan(16 * 1024);
    expect(block[block.length - 1]).toBe(1);
  });

  test("another process's CPU time and memory are read, a missing process's are not", async () => {
    const before = readCpuMs(child.pid!)!;
    expect(before).toBeGreaterThan(0);
    expect(readRssKb(child.pid!)!.rss).toBeGreaterThan(10_000);
    let after = before;
    for (let i = 0; i < 2_000 && after === before; i++) {
      await gql('{ categories { category } }');
      after = readCpuMs(child.pid!)!;
    }
    expect(after).toBeGreaterThan(before);
    // Above the largest pid Linux hands out (pid_max is at most 2^22).
    expect(readCpuMs(4_194_305)).toBeUndefined();
    expect(readRssKb(4_194_305)).toBeUndefined();
  });

  test("a changing set of processes' CPU time: each counts from its first reading to its last", () => {
    const tracker = new CpuTracker();
    expect(tracker.totalMs).toBeNull();
    tracker.read([101, 102], new Map([[101, 500], [102, 40]]));
    expect(tracker.totalMs).toBe(0);
    // 101 worked 30 ms; 102 ended (no reading); 103 started.
    tracker.read([101, 103], new Map([[101, 530], [103, 70]]));
    expect(tracker.totalMs).toBe(30);
    // 103 worked 20 ms; 101's pid was reused (its time went down): its 30 ms are kept, the new process counts anew.
    tracker.read([101, 103], new Map([[101, 5], [103, 90]]));
    expect(tracker.totalMs).toBe(50);
    tracker.read([101], new Map([[101, 12]]));
    expect(tracker.totalMs).toBe(57);
    // Without readings given, it reads /proc: this process, and one that does not exist.
    const own = new CpuTracker();
    own.read([process.pid, 4_194_305]);
    const spinUntil = performance.now() + 100;
    while (performance.now() < spinUntil);
    own.read([]);
    expect(own.totalMs).toBeGreaterThanOrEqual(50);
    const read = readCpuMsOf([process.pid, 4_194_305]);
    expect([...read.keys()]).toEqual([process.pid]);
  });

  test("a process's command name is read, a missing process's is not", async () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((resolve) => sleeper.once('spawn', resolve));
      let name: string | undefined;
      // Between fork and exec the child still carries this process's name.
      for (let i = 0; i < 100 && name !== 'sleep'; i++) {
        name = readCommand(sleeper.pid!);
        if (name !== 'sleep') await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(name).toBe('sleep');
    } finally {
      sleeper.kill();
    }
    expect(readCommand(4_194_305)).toBeUndefined();
  });

  test('a database is local when its URL names a loopback address or a Unix socket', () => {
    for (const url of [
      'postgres://postgres@127.0.0.1:5432/test',
      'postgres://u@localhost/db',
      'postgres://u@[::1]:5432/db',
      'postgresql:///db',
      'postgres://u@/db?host=/var/run/postgresql',
    ]) {
      expect(isLocalDatabase(url), url).toBe(true);
    }
    for (const url of ['postgres://u@db.example.com/db', 'postgres://u@10.0.0.5:5432/db', 'postgres://u@localhost/db?host=db.example.com', 'not a url']) {
      expect(isLocalDatabase(url), url).toBe(false);
    }
  });

  test("the local PostgreSQL's processes are found, and their CPU time grows with the service's statements", async () => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const pids = await localDatabasePids(client, database.url)();
      expect(pids.length).toBeGreaterThan(0);
      for (const pid of pids) expect(readCommand(pid)).toBe('postgres');
      const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
      expect(pids).not.toContain(Number(rows[0].pid));
      // Not for a server elsewhere, whatever it answers.
      expect(await localDatabasePids(client, 'postgres://u@db.example.com/db')()).toEqual([]);

      // The service's own connections are among them once it has run a statement.
      await gql('{ templates(first: 1) { totalCount } }');
      const serving = await localDatabasePids(client, database.url)();
      const tracker = new CpuTracker();
      tracker.read(serving);
      let grown: number | null = 0;
      for (let i = 0; i < 400 && !grown; i++) {
        const r = await gql(`mutation { createTemplate(input: { name: "db-cpu-${i}", content: "Hi {{ who }}", variables: [{ name: "who" }], category: "development" }) { id } }`);
        expect(r.errors).toBeUndefined();
        tracker.read(serving);
        grown = tracker.totalMs;
      }
      expect(grown).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});

