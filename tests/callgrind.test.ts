import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { callgrindArgs, parseCallgrind, parsePerfMap, perRequest, readDump } from '../load/runner/callgrind.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'callgrind-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A file in callgrind's format: compressed names, a call (whose cost line is the callee's inclusive cost, not
// the caller's own), relative positions.
const SAMPLE = `# callgrind format
version: 1
creator: callgrind-3.19.0
events: Ir
fl=(1) ???
fn=(1) main
10 100
+2 50
cfn=(2) helper
calls=3 0
12 400
fn=(2)
0 400
fn=(3) 0x0000000028120e00
0 30
fn=(4) 0x00000000282b6c40'2
0 20
fn=(1)
14 5
* 7
totals: 1012
`;

describe('callgrind files', () => {
  test("a function's own cost leaves out what it called; a name given once is found by its number", () => {
    const p = parseCallgrind(SAMPLE);
    expect(p.total).toBe(1012);
    expect(Object.fromEntries(p.self)).toEqual({
      main: 162,
      helper: 400,
      '0x0000000028120e00': 30,
      "0x00000000282b6c40'2": 20,
    });
  });

  test('per request: instructions by thread, and the JIT-compiled functions counted as one', () => {
    const thread2 = parseCallgrind('fn=(1) Builtins_LoadIC\n0 2000\ntotals: 2000\n');
    const r = perRequest([{ thread: 1, profile: parseCallgrind(SAMPLE) }, { thread: 2, profile: thread2 }], 5, 2);
    expect(r.mainThread).toBe(202);
    expect(r.otherThreads).toBe(400);
    expect(r.allThreads).toBe(602);
    expect(r.threads).toEqual([{ thread: 1, instructions: 202 }, { thread: 2, instructions: 400 }]);
    expect(r.topFunctions).toEqual([{ name: 'helper', instructions: 80 }, { name: 'main', instructions: 32 }]);
    const all = perRequest([{ thread: 1, profile: parseCallgrind(SAMPLE) }], 1, 10).topFunctions;
    expect(all).toContainEqual({ name: '(JIT-compiled JavaScript)', instructions: 50 });
  });

  test("names JIT-compiled code from V8's perf map, the latest code at an address winning", () => {
    const name = parsePerfMap('28120e00 200 JS:*render file:///app/render.js:10:3\n28120e00 100 JS:^render file:///app/render.js:10:3\nnot a line\n282b6c00 80 Builtin:ArrayMap\n');
    expect(name(0x28120e00)).toBe('JS:^render file:///app/render.js:10:3');
    expect(name(0x28120f80)).toBe('JS:*render file:///app/render.js:10:3'); // past the later, shorter code
    expect(name(0x282b6c40)).toBe('Builtin:ArrayMap');
    expect(name(0x282b6c80)).toBeUndefined();
    const top = perRequest([{ thread: 1, profile: parseCallgrind(SAMPLE) }], 1, 10, name).topFunctions;
    expect(top).toContainEqual({ name: 'JS:^render file:///app/render.js:10:3', instructions: 30 });
    expect(top).toContainEqual({ name: 'Builtin:ArrayMap', instructions: 20 });
    expect(top.some((f) => f.name === '(JIT-compiled JavaScript)')).toBe(false);
  });

  test("reads the first dump of one process's threads, in thread order, and nothing else", () => {
    writeFileSync(path.join(dir, 'run.callgrind.77.1-02'), 'totals: 20\n');
    writeFileSync(path.join(dir, 'run.callgrind.77.1-01'), 'totals: 10\n');
    writeFileSync(path.join(dir, 'run.callgrind.77-01'), 'totals: 99\n'); // written at exit
    writeFileSync(path.join(dir, 'run.callgrind.78.1-01'), 'totals: 99\n'); // another process
    expect(readDump(dir, 'run', 77).map((d) => [d.thread, d.profile.total])).toEqual([[1, 10], [2, 20]]);
  });

  const valgrind = spawnSync('valgrind', ['--version']).status === 0;
  test.skipIf(!valgrind)("callgrind's own output of a real program: the functions' own costs add up to its total", () => {
    const args = callgrindArgs(dir, 'true').map((a) => a.replace('--instr-atstart=no', '--instr-atstart=yes'));
    execFileSync('valgrind', [...args, '/bin/true'], { stdio: 'ignore' });
    // One file per thread, written at exit: `<name>.callgrind.<pid>-01` for the only thread.
    const name = readdirSync(dir).find((f) => /^true\.callgrind\.\d+-01$/.test(f));
    const file = readFileSync(path.join(dir, name!), 'utf8');
    const p = parseCallgrind(file);
    expect(p.total).toBeGreaterThan(10_000);
    expect([...p.self.values()].reduce((a, b) => a + b, 0)).toBe(p.total);
  });
});
