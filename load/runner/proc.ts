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
