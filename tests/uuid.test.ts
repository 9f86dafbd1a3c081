import { describe, expect, test } from 'vitest';
import { isUuid, loadByUuid } from '../src/lib/uuid.ts';

const A = '0b3e4a1c-2d5f-4e6a-8b7c-9d0e1f2a3b4c';
const B = 'f0e1d2c3-b4a5-4968-8776-655443322110';

/** A loader that answers each id with its first 8 characters, recording what it was asked. */
function recording() {
  const asked: string[][] = [];
  const load = async (uuids: readonly string[]) => {
    asked.push([...uuids]);
    return uuids.map((u) => u.slice(0, 8));
  };
  return { asked, load };
}

describe('loadByUuid', () => {
  test('canonical, distinct ids are asked for once each, in order', async () => {
    const { asked, load } = recording();
    expect(await loadByUuid([B, A], null, load)).toEqual([B.slice(0, 8), A.slice(0, 8)]);
    expect(asked).toEqual([[B, A]]);
  });

  test('an id in capitals is asked for lower-cased, once with its lower-case twin, and both get the answer', async () => {
    const { asked, load } = recording();
    expect(await loadByUuid([A.toUpperCase(), A, B], null, load)).toEqual([A.slice(0, 8), A.slice(0, 8), B.slice(0, 8)]);
    expect(asked).toEqual([[A, B]]);
  });

  test('a repeated id is asked for once', async () => {
    const { asked, load } = recording();
    expect(await loadByUuid([A, B, A], null, load)).toEqual([A.slice(0, 8), B.slice(0, 8), A.slice(0, 8)]);
    expect(asked).toEqual([[A, B]]);
  });

  test('what is no UUID is never asked for and gets `missing`; so does an id left unanswered', async () => {
    const { asked, load } = recording();
    expect(await loadByUuid(['nope', A, `${A}0`, 'g'.repeat(36)], 'missing', load)).toEqual(['missing', A.slice(0, 8), 'missing', 'missing']);
    expect(asked).toEqual([[A]]);
    expect(await loadByUuid([A, B], 'missing', async () => [undefined, 'b'])).toEqual(['missing', 'b']);
    expect(await loadByUuid(['x'], 'missing', async () => { throw new Error('not called'); })).toEqual(['missing']);
  });

  test('isUuid takes either case and nothing else', () => {
    expect([A, A.toUpperCase(), A.replaceAll('-', ''), `{${A}}`, ''].map(isUuid)).toEqual([true, true, false, false, false]);
  });
});
