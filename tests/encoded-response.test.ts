import { Response as FetchResponse } from '@whatwg-node/fetch';
import { describe, expect, it } from 'vitest';
import { EncodedResponse } from '../src/lib/encoded-response.ts';

const TEXT = 'Prüfe {{ code }} — gründlich ✓ 🚀';

describe('EncodedResponse', () => {
  it('answers a text body as the fetch Response does: same headers, status and text, the body held as UTF-8 bytes', async () => {
    for (const init of [undefined, { status: 201, headers: { 'content-type': 'application/json; charset=utf-8' } }, { headers: [['x-a', '1']] as [string, string][] }]) {
      const mine = new EncodedResponse(TEXT, init);
      const theirs = new FetchResponse(TEXT, init);
      expect(mine.status).toBe(theirs.status);
      expect([...mine.headers].sort()).toEqual([...theirs.headers].sort()); // the order of headers carries no meaning
      expect(Number(mine.headers.get('content-length'))).toBe(Buffer.byteLength(TEXT));
      expect((mine as unknown as { bodyType: string }).bodyType).toBe('Buffer');
      expect(await mine.text()).toBe(TEXT);
    }
  });

  it('leaves other bodies as they are', async () => {
    const bytes = new TextEncoder().encode(TEXT);
    const mine = new EncodedResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
    expect(mine.headers.get('content-type')).toBe('application/octet-stream');
    expect(new Uint8Array(await mine.arrayBuffer())).toEqual(bytes);
    const empty = new EncodedResponse(null, { status: 204 });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(empty.headers.get('content-type')).toBeNull();
  });
});
