/**
 * Instruction counts under Valgrind's callgrind, for `npm run load -- <scenario> --callgrind`: what a request
 * costs in executed instructions, which a busy or shared machine does not move (its CPU time per request moved
 * by half from run to run here). The server runs under `valgrind --tool=callgrind` with instrumentation off
 * until the runner turns it on (`callgrind_control`), so start-up and warm-up are not counted, and each of its
 * threads is counted apart (the main thread serves requests; V8's and libuv's threads collect garbage, compile
 * and compress).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Valgrind's arguments before the program: callgrind, instrumentation off at start, one file per thread, and
 * Valgrind's own messages in a file beside them.
 */
export function callgrindArgs(outDir: string, name: string): string[] {
  return [
    '--tool=callgrind',
    '--instr-atstart=no',
    '--separate-threads=yes',
    `--callgrind-out-file=${path.join(outDir, `${name}.callgrind.%p`)}`,
    `--log-file=${path.join(outDir, `${name}.valgrind.%p.log`)}`,
  ];
}

/** Throws, saying how to get it, when valgrind or callgrind_control is not on PATH. */
export function requireValgrind(): void {
  for (const command of ['valgrind', 'callgrind_control']) {
    try {
      execFileSync(command, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`--callgrind needs ${command} on PATH (Debian: apt-get install valgrind)`);
    }
  }
}

/**
 * Sends callgrind_control a command (`zero`, `instr on`, `dump`, `instr off`) for one process. `env` is the
 * process's own environment: Valgrind names the channel it listens on after `USER` and `HOST`, and
 * callgrind_control finds it by its own, so the two must agree (the service's HOST is its listen address).
 */
export function callgrindControl(pid: number, command: 'zero' | 'instr on' | 'dump' | 'instr off', env: NodeJS.ProcessEnv): void {
  const flag = { zero: ['-z'], 'instr on': ['-i', 'on'], dump: ['-d'], 'instr off': ['-i', 'off'] }[command];
  const out = execFileSync('callgrind_control', [...flag, String(pid)], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // It exits 0 even when it could not reach the process; only its output tells.
  if (!/\bOK\b/.test(out) || /error|failed/i.test(out)) throw new Error(`callgrind_control ${flag.join(' ')} ${pid}: ${out.trim()}`);
}

export interface CallgrindProfile {
  /** Instructions executed (Ir) in all. */
  total: number;
  /** Instructions executed in each function itself, not in what it called, by function name. */
  self: Map<string, number>;
}

/**
 * Reads one callgrind output file (the format of callgrind's manual, "Callgrind Format Specification"): the
 * `totals:` (or `summary:`) line, and each function's own cost, the cost lines under `fn=` that do not follow
 * a `calls=` line (those give the inclusive cost of a call). Names may be compressed: `fn=(12) name` defines
 * id 12, a later `fn=(12)` refers to it; `cfn=` lines define ids the same way.
 */
export function parseCallgrind(text: string): CallgrindProfile {
  const names = new Map<string, string>();
  const self = new Map<string, number>();
  let total = 0;
  let fn: string | undefined;
  let callCost = false;
  const nameOf = (spec: string): string => {
    const m = /^\((\d+)\)(?: (.*))?$/.exec(spec);
    if (!m) return spec;
    if (m[2] !== undefined) names.set(m[1]!, m[2]);
    return names.get(m[1]!) ?? spec;
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('fn=')) {
      fn = nameOf(line.slice(3));
      callCost = false;
    } else if (line.startsWith('cfn=')) {
      nameOf(line.slice(4));
    } else if (line.startsWith('calls=')) {
      callCost = true;
    } else if (/^(?:[+-]?\d|\*)/.test(line)) {
      // A cost line: a position (a number, `+n`/`-n` relative to the last, or `*` for the same) and the cost.
      if (callCost) {
        callCost = false;
        continue;
      }
      const fields = line.trim().split(/\s+/);
      const cost = fields.length >= 2 ? Number(fields[fields.length - 1]) : NaN;
      if (fn !== undefined && Number.isFinite(cost)) self.set(fn, (self.get(fn) ?? 0) + cost);
    } else if (line.startsWith('totals:') || line.startsWith('summary:')) {
      total = Number(line.slice(line.indexOf(':') + 1).trim().split(/\s+/)[0]);
    }
  }
  return { total, self };
}

export interface ThreadCounts {
  /** Thread number as callgrind numbers them: 1 is the main thread, the one that runs JavaScript. */
  thread: number;
  instructions: number;
}

/**
 * The profiles callgrind dumped for process `pid` on its first `dump` command (`<name>.callgrind.<pid>.1-<thread>`),
 * one per thread.
 */
export function readDump(outDir: string, name: string, pid: number): { thread: number; profile: CallgrindProfile }[] {
  const prefix = `${name}.callgrind.${pid}.1-`;
  return readdirSync(outDir)
    .filter((f) => f.startsWith(prefix))
    .map((f) => ({ thread: Number(f.slice(prefix.length)), profile: parseCallgrind(readFileSync(path.join(outDir, f), 'utf8')) }))
    .sort((a, b) => a.thread - b.thread);
}

/**
 * Names for addresses of JIT-compiled code, from the map V8 writes with `--perf-basic-prof`
 * (`/tmp/perf-<pid>.map`: one `start size name` line, in hex, per piece of code it made). A later line for
 * the same address wins: the code there was made later.
 */
export function parsePerfMap(text: string): (address: number) => string | undefined {
  const ranges: { start: number; end: number; name: string }[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.+)$/i.exec(line);
    if (m) ranges.push({ start: Number.parseInt(m[1]!, 16), end: Number.parseInt(m[1]!, 16) + Number.parseInt(m[2]!, 16), name: m[3]! });
  }
  return (address) => {
    for (let i = ranges.length - 1; i >= 0; i--) {
      const r = ranges[i]!;
      if (address >= r.start && address < r.end) return r.name;
    }
    return undefined;
  };
}

/**
 * Per request: instructions by thread, in all, and the main thread's costliest functions. JIT-compiled code has
 * no symbol: callgrind names it by address, which `jitName` (see parsePerfMap) may turn into the JavaScript
 * function's name; what it cannot name counts as one.
 */
export function perRequest(
  dump: { thread: number; profile: CallgrindProfile }[],
  requests: number,
  top = 15,
  jitName: (address: number) => string | undefined = () => undefined,
) {
  const per = (n: number) => Math.round(n / requests);
  const threads: ThreadCounts[] = dump.map((d) => ({ thread: d.thread, instructions: per(d.profile.total) }));
  const main = dump.find((d) => d.thread === 1)?.profile;
  const functions = new Map<string, number>();
  for (const [name, cost] of main?.self ?? []) {
    const address = /^0x([0-9a-f]+)(?:'\d+)?$/i.exec(name);
    const key = address ? (jitName(Number.parseInt(address[1]!, 16)) ?? '(JIT-compiled JavaScript)') : name.replace(/'\d+$/, '');
    functions.set(key, (functions.get(key) ?? 0) + cost);
  }
  return {
    mainThread: per(main?.total ?? 0),
    otherThreads: threads.filter((t) => t.thread !== 1).reduce((s, t) => s + t.instructions, 0),
    allThreads: threads.reduce((s, t) => s + t.instructions, 0),
    threads,
    topFunctions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, cost]) => ({ name, instructions: per(cost) })),
  };
}
