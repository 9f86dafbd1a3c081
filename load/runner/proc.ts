/**
 * What Linux's /proc tells about another process: its resident memory and the CPU time it has used. Both read
 * nothing (undefined) where /proc or the process is missing.
 */
import { readFileSync } from 'node:fs';

/**
 * The process's resident set now and its high-water mark, in kB, with the resident set split as the kernel
 * counts it: anonymous memory (for Node: the V8 heap, malloc's arenas, thread stacks) and file-backed pages
 * (mostly the node binary's code and read-only data, shared with every other node process).
 */
export function readRssKb(pid: number): { rss: number; hwm: number; anon: number; file: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
  } catch {
    return undefined;
  }
}

/** /proc reports CPU times in USER_HZ ticks, which Linux fixes at 100 per second for user space. */
const MS_PER_TICK = 10;

/**
 * The CPU time, user and system, that the process has used since it started, in milliseconds: all its threads
 * (for Node, the main thread and V8's garbage-collection and compiler threads). Resolution 10 ms.
 */
export function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces or parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 (utime) and 15 (stime), counted from 1 with the pid and the name as fields 1 and 2.
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks * MS_PER_TICK : undefined;
  } catch {
    return undefined;
  }
}

/** The CPU time of each process that can be read (readCpuMs), by pid. */
export function readCpuMsOf(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    const ms = readCpuMs(pid);
    if (ms !== undefined) out.set(pid, ms);
  }
  return out;
}

/**
 * The CPU time a changing set of processes uses (PostgreSQL's backends come and go with the pool's connections):
 * each process counts from its first reading to its last. Read often enough (every second), a process that
 * ends loses only what it used after its last reading, one that starts only what it used before its first. A
 * pid whose time went down was reused: what the old process used is kept, the new one counts afresh.
 */
export class CpuTracker {
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  #ended = 0;

  /** Reads `pids` (readings given as `readings`, for tests) and every process read before. */
  read(pids: readonly number[], readings: ReadonlyMap<number, number> = readCpuMsOf([...new Set([...this.#last.keys(), ...pids])])): void {
    for (const [pid, ms] of readings) {
      const first = this.#first.get(pid);
      const last = this.#last.get(pid);
      if (first === undefined || last === undefined) {
        this.#first.set(pid, ms);
      } else if (ms < last) {
        this.#ended += last - first;
        this.#first.set(pid, ms);
      }
      this.#last.set(pid, ms);
    }
  }

  /** The CPU time counted so far, in ms; null before any process was read. */
  get totalMs(): number | null {
    if (this.#first.size === 0) return null;
    let total = this.#ended;
    for (const [pid, first] of this.#first) total += this.#last.get(pid)! - first;
    return total;
  }
}

/** The command name the kernel keeps for a process (`/proc/<pid>/comm`), or undefined. */
export function readCommand(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * True when the database URL names this machine (loopback, or a Unix socket, also as a `host` parameter, which
 * overrides the URL's host as it does for pg): its processes can be read.
 */
export function isLocalDatabase(url: string): boolean {
  const param = /[?&]host=([^&]*)/.exec(url)?.[1];
  let host: string;
  if (param !== undefined) {
    host = decodeURIComponent(param);
  } else {
    try {
      host = new URL(url).hostname;
    } catch {
      return false;
    }
  }
  return host === '' || host.startsWith('/') || host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

/** What localDatabasePids asks its questions with: a pg client or pool. */
export interface Queryable {
  query(sql: string): Promise<{ rows: { pid: unknown }[] }>;
}

/**
 * PostgreSQL's processes, when it runs on this machine: every backend and background process pg_stat_activity
 * lists (of every database, the monitor's own connection left out) that /proc names `postgres`. Empty otherwise.
 */
export function localDatabasePids(db: Queryable | undefined, url: string): () => Promise<number[]> {
  const local = isLocalDatabase(url);
  return async () => {
    if (!db || !local) return [];
    try {
      const { rows } = await db.query('SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
      return rows.map((r) => Number(r.pid)).filter((pid) => readCommand(pid) === 'postgres');
    } catch {
      return [];
    }
  };
}
