import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mapMaybePromise as fromEnvelop } from '@envelop/core';
import { mapMaybePromise as fromYoga } from 'graphql-yoga';

const require = createRequire(import.meta.url);

/** The @whatwg-node/promise-helpers that `pkg` gets when it imports it, as its package.json says. */
function helpersSeenBy(pkg: string): { name: string; version: string } {
  const from = createRequire(require.resolve(`${pkg}/package.json`));
  return JSON.parse(readFileSync(from.resolve('@whatwg-node/promise-helpers/package.json'), 'utf8'));
}

const COMPAT_DIR = path.resolve(import.meta.dirname, '../src/compat/promise-helpers');

describe('@whatwg-node/promise-helpers override', () => {
  it('gives version 2 through the compat package to every package on the request path', () => {
    const compat = JSON.parse(readFileSync(path.join(COMPAT_DIR, 'package.json'), 'utf8')) as { version: string };
    for (const pkg of ['graphql-yoga', '@whatwg-node/server', '@whatwg-node/node-fetch', '@envelop/core', '@graphql-tools/utils']) {
      expect(helpersSeenBy(pkg), pkg).toEqual(expect.objectContaining({ version: compat.version }));
    }
    const v2 = JSON.parse(readFileSync(require.resolve('promise-helpers-v2/package.json'), 'utf8')) as { version: string };
    expect(v2.version).toMatch(/^2\./);
  });

  it('answers a synchronous hook synchronously and an asynchronous one with a promise, in both module formats', async () => {
    // As graphql-yoga imports and @whatwg-node/node-fetch requires it.
    const esm = await import('../src/compat/promise-helpers/index.js');
    const cjs = createRequire(require.resolve('@whatwg-node/node-fetch'))('@whatwg-node/promise-helpers') as typeof esm;
    for (const h of [esm, cjs]) {
      expect(h.handleMaybePromise(() => 2, (v: number) => v * 3)).toBe(6);
      const later = h.handleMaybePromise(() => Promise.resolve(2), (v: number) => v * 3);
      expect(later).toBeInstanceOf(Promise);
      await expect(later).resolves.toBe(6);
      expect(h.handleMaybePromise<number, string>(() => { throw new Error('sync'); }, (v) => String(v), (e: Error) => `caught ${e.message}`)).toBe('caught sync');
    }
  });

  it('keeps mapMaybePromise, which envelop 5 and @graphql-tools/utils 11 re-export, in both module formats', async () => {
    const cjs = createRequire(require.resolve('@whatwg-node/node-fetch'))('@whatwg-node/promise-helpers') as { mapMaybePromise: typeof fromYoga };
    for (const map of [fromEnvelop, fromYoga, cjs.mapMaybePromise]) {
      expect(map(2, (v: number) => v + 1)).toBe(3);
      await expect(map(Promise.resolve(2), (v: number) => v + 1)).resolves.toBe(3);
      await expect(map(Promise.reject(new Error('no')), (v: number) => String(v), (e: Error) => `caught ${e.message}`)).resolves.toBe('caught no');
      await expect(map(Promise.reject(new Error('no')), (v: number) => v)).rejects.toThrow('no');
    }
  });
});

/** What one item's callback does in the iterateAsync comparison below. */
type Step = { answer: 'value' | 'promise' | 'fake' | 'throw' | 'reject'; value?: unknown; end?: 'now' | 'after' };
type Iterate = (iterable: Iterable<Step>, callback: (step: Step, endEarly: () => void, index: number) => unknown, results?: unknown[]) => unknown;

/**
 * Runs `iterate` over `steps` as a generator (so that how far it was read shows) and tells everything a caller
 * could see: the callbacks' order and indices, the results kept, whether it answered with a promise, and with
 * what value or error.
 */
async function observe(iterate: Iterate, fakePromise: (v: unknown) => unknown, steps: Step[] | null) {
  const seen: string[] = [];
  const results: unknown[] = [];
  let read = 0;
  let endLater: (() => void) | undefined;
  function* items() {
    for (const s of steps ?? []) {
      read++;
      yield s;
    }
  }
  const callback = (step: Step, endEarly: () => void, index: number) => {
    seen.push(`${index}:${step.answer}:${String(step.value)}`);
    endLater?.(); // an earlier item's endEarly, called once its result is in: it must change nothing
    endLater = undefined;
    if (step.end === 'now') endEarly();
    if (step.end === 'after') endLater = endEarly;
    switch (step.answer) {
      case 'value': return step.value;
      case 'promise': return new Promise((resolve) => setTimeout(() => resolve(step.value), 1));
      case 'fake': return fakePromise(step.value);
      case 'throw': throw new Error(`thrown at ${index}`);
      case 'reject': return Promise.reject(new Error(`rejected at ${index}`));
    }
  };
  // How it answered: a promise, another thenable (a fake promise left unwrapped), or a plain value.
  let outcome: { answer: string; value?: unknown; error?: string };
  try {
    const answer = iterate((steps === null ? null : steps.length === 0 ? [] : items()) as Iterable<Step>, callback, results);
    const kind = answer instanceof Promise ? 'promise' : typeof (answer as { then?: unknown } | undefined)?.then === 'function' ? 'thenable' : typeof answer;
    try {
      outcome = { answer: kind, value: await answer };
    } catch (e) {
      outcome = { answer: kind, error: (e as Error).message };
    }
  } catch (e) {
    outcome = { answer: 'thrown', error: (e as Error).constructor.name + (e instanceof TypeError ? '' : `: ${(e as Error).message}`) };
  }
  return { seen, results, read, ...outcome };
}

describe('iterateAsync of the compat package', () => {
  const v = (value: unknown, end?: Step['end']): Step => ({ answer: 'value', value, ...(end ? { end } : {}) });
  const cases: Record<string, Step[] | null> = {
    'no items': [],
    'no iterable': null,
    'synchronous answers, truthy and not': [v(1), v(0), v('a'), v(null), v({ x: 1 })],
    'endEarly on the second item': [v(1), v(2, 'now'), v(3)],
    'endEarly on the last item': [v(1), v(2, 'now')],
    'a promise in the middle': [v(1), { answer: 'promise', value: 2 }, v(3), v(0)],
    'promises only': [{ answer: 'promise', value: 1 }, { answer: 'promise', value: 0 }, { answer: 'promise', value: 3 }],
    'endEarly with a promise': [v(1), { answer: 'promise', value: 2, end: 'now' }, v(3)],
    'endEarly after the result is in': [v(1, 'after'), v(2), { answer: 'promise', value: 3, end: 'after' }, v(4)],
    'fake promises': [{ answer: 'fake', value: 1 }, v(2), { answer: 'fake', value: 0 }, v(4)],
    'a throw': [v(1), { answer: 'throw' }, v(3)],
    'a throw after a promise': [{ answer: 'promise', value: 1 }, { answer: 'throw' }, v(3)],
    'a rejection': [v(1), { answer: 'reject' }, v(3)],
  };

  it.each(Object.entries(cases))('does what version 2 does: %s', async (_name, steps) => {
    const compat = await import('../src/compat/promise-helpers/index.js');
    const v2 = await import('promise-helpers-v2');
    const cjs = createRequire(require.resolve('@whatwg-node/node-fetch'))('@whatwg-node/promise-helpers') as typeof compat;
    const expected = await observe(v2.iterateAsync as Iterate, v2.fakePromise, steps);
    expect(await observe(compat.iterateAsync as Iterate, compat.fakePromise, steps)).toEqual(expected);
    expect(await observe(cjs.iterateAsync as Iterate, cjs.fakePromise, steps)).toEqual(expected);
  });

  it('is what graphql-yoga and envelop import, under both names', async () => {
    const compat = await import('../src/compat/promise-helpers/index.js');
    const v2 = await import('promise-helpers-v2');
    expect(compat.iterateAsync).not.toBe(v2.iterateAsync);
    expect(compat.iterateAsyncVoid).toBe(compat.iterateAsync);
    const seenByYoga = createRequire(require.resolve('graphql-yoga'))('@whatwg-node/promise-helpers') as typeof compat;
    expect(seenByYoga.iterateAsync).toBe(seenByYoga.iterateAsyncVoid);
    expect(seenByYoga.iterateAsync).not.toBe(v2.iterateAsync);
  });

  it('answers thousands of synchronous items without growing the stack', async () => {
    const compat = await import('../src/compat/promise-helpers/index.js');
    const results: number[] = [];
    expect(compat.iterateAsync(Array.from({ length: 100_000 }, (_, i) => i), (i: number) => i % 2, results)).toBeUndefined();
    expect(results).toHaveLength(50_000);
  });
});
