import * as zlib from 'node:zlib';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useCompression } from '../src/plugins/use-compression.ts';

// The real functions, watched: which of them compressed a body is the behaviour under test.
vi.mock('node:zlib', async (importOriginal) => {
  const z = await importOriginal<typeof import('node:zlib')>();
  return {
    ...z,
    gzip: vi.fn(z.gzip),
    gzipSync: vi.fn(z.gzipSync),
    brotliCompress: vi.fn(z.brotliCompress),
    brotliCompressSync: vi.fn(z.brotliCompressSync),
  };
});

type OnResponse = (args: unknown) => Promise<void> | undefined;

/** Runs the plugin's onResponse on a JSON body of `bytes` bytes; the response it set, if any. */
async function respond(syncMaxBytes: number | undefined, bytes: number, acceptEncoding: string): Promise<Response | undefined> {
  const onResponse = useCompression({ minBytes: 100, syncMaxBytes }).onResponse as OnResponse;
  const body = JSON.stringify({ data: { text: 'abc '.repeat(Math.ceil(bytes / 4)) } }).slice(0, bytes);
  const request = new Request('http://localhost/graphql', { method: 'POST', headers: { 'accept-encoding': acceptEncoding } });
  const response = new Response(body, { headers: { 'content-type': 'application/json' } });
  const setResponse = vi.fn();
  await onResponse({ request, response, setResponse, fetchAPI: { Response, Headers } });
  return setResponse.mock.calls[0]?.[0] as Response | undefined;
}

const decode = async (r: Response) => {
  const raw = Buffer.from(await r.arrayBuffer());
  return (r.headers.get('content-encoding') === 'br' ? zlib.brotliDecompressSync(raw) : zlib.gunzipSync(raw)).toString();
};

/** gzip and brotli each compressed one body, on the event loop (their Sync forms) or on the thread pool alone. */
function expectCompressedOn(where: 'event loop' | 'thread pool') {
  const sync = [zlib.gzipSync, zlib.brotliCompressSync];
  const pool = [zlib.gzip, zlib.brotliCompress];
  const [used, unused] = where === 'event loop' ? [sync, pool] : [pool, sync];
  for (const f of used) expect(f).toHaveBeenCalledOnce();
  for (const f of unused) expect(f).not.toHaveBeenCalled();
}

describe('compression on the event loop or the thread pool', () => {
  beforeEach(() => vi.clearAllMocks());

  it('compresses a body of at most syncMaxBytes at once, with gzip or brotli, to the same bytes', async () => {
    const gz = await respond(4096, 4096, 'gzip');
    expect(gz!.headers.get('content-encoding')).toBe('gzip');
    expect(await decode(gz!)).toHaveLength(4096);
    const br = await respond(4096, 3000, 'br, gzip');
    expect(br!.headers.get('content-encoding')).toBe('br');
    expect(await decode(br!)).toHaveLength(3000);
    expectCompressedOn('event loop');
  });

  it('hands a larger body to the thread pool', async () => {
    const gz = await respond(4096, 4097, 'gzip');
    expect(await decode(gz!)).toHaveLength(4097);
    const br = await respond(4096, 8000, 'br');
    expect(await decode(br!)).toHaveLength(8000);
    expectCompressedOn('thread pool');
  });

  it('without syncMaxBytes, compresses every body on the thread pool', async () => {
    await respond(undefined, 200, 'gzip');
    expect(zlib.gzip).toHaveBeenCalledOnce();
    expect(zlib.gzipSync).not.toHaveBeenCalled();
  });
});
