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
