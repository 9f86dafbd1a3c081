import { hash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, brotliCompressSync, constants, gzip, gzipSync, type BrotliOptions } from 'node:zlib';
import type { Plugin } from 'graphql-yoga';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** Bodies at least this large are remembered compressed (GraphiQL's 9 MB page would otherwise cost a second each time). */
const REMEMBER_MIN_BYTES = 256 * 1024;
const REMEMBER_MAX_ENTRIES = 8;

/** Content types whose bodies are sent as they are produced; buffering them to compress would break them. */
const STREAMING = /^(?:text\/event-stream|multipart\/)/i;

export type Encoding = 'br' | 'gzip';

/** The encoding to use for an `Accept-Encoding` header: brotli before gzip, honouring `q=0`. */
export function chooseEncoding(header: string | null): Encoding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qp ? Number.parseFloat(qp.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const weight = (e: string) => q.get(e) ?? (q.get('*') ?? 0);
  const br = weight('br');
  const gzipW = weight('gzip');
  if (br > 0 && br >= gzipW) return 'br';
  if (gzipW > 0) return 'gzip';
  return undefined;
}

/**
 * Compresses complete (non-streaming) responses of at least `minBytes` with brotli or gzip as the client
 * accepts. Brotli runs at quality 4: close to gzip's speed with a smaller result; 11 would take seconds on
 * GraphiQL's page. Streaming responses (SSE, multipart for @defer/@stream) are left alone.
 *
 * A body of at most `syncMaxBytes` is compressed at once on the event loop: for a few kilobytes that takes
 * tens of microseconds, while handing it to libuv's thread pool and back (a new zlib stream on a pool thread,
 * two thread wake-ups, a promise) costs several times that in CPU. Larger bodies go to the pool, so that
 * compressing them does not hold up other requests.
 */
export function useCompression(options: { minBytes: number; syncMaxBytes?: number }): Plugin {
  const syncMaxBytes = options.syncMaxBytes ?? 0;
  const remembered = new Map<string, Buffer>();
  const compress = async (raw: Buffer, encoding: Encoding): Promise<Buffer> => {
    const key = raw.byteLength >= REMEMBER_MIN_BYTES ? `${encoding}:${hash('sha256', raw)}` : undefined;
    const known = key && remembered.get(key);
    if (known) return known;
    const brotliOptions: BrotliOptions = {
      params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: raw.byteLength },
    };
    const out = raw.byteLength <= syncMaxBytes
      ? encoding === 'br' ? brotliCompressSync(raw, brotliOptions) : gzipSync(raw)
      : encoding === 'br' ? await brotli(raw, brotliOptions) : await gz(raw);
    if (key) {
      if (remembered.size >= REMEMBER_MAX_ENTRIES) remembered.delete(remembered.keys().next().value as string);
      remembered.set(key, out);
    }
    return out;
  };
  /** Replaces `response` with its body compressed (when at least minBytes), its length and `Vary` set. */
  const sendCompressed = async (
    response: Response,
    encoding: Encoding,
    setResponse: (response: Response) => void,
    fetchAPI: { Headers: typeof Headers; Response: typeof Response },
  ): Promise<void> => {
    const raw = Buffer.from(await response.arrayBuffer());
    const headers = new fetchAPI.Headers(response.headers);
    headers.append('vary', 'Accept-Encoding');
    let body: Buffer = raw;
    if (raw.byteLength >= options.minBytes) {
      body = await compress(raw, encoding);
      headers.set('content-encoding', encoding);
    }
    headers.set('content-length', String(body.byteLength));
    setResponse(new fetchAPI.Response(new Uint8Array(body), { status: response.status, statusText: response.statusText, headers }));
  };
  return {
    // Not async: a response left as it is (most small ones) goes on without a promise to wait for.
    onResponse({ request, response, setResponse, fetchAPI }) {
      // The client's header first: most API clients send none, and reading `response.body` makes the fetch
      // Response build a stream of its bytes, which it would then not use to send them.
      const encoding = chooseEncoding(request.headers.get('accept-encoding'));
      if (!encoding) return undefined;
      if (!response.body || request.method === 'HEAD' || response.headers.has('content-encoding')) return undefined;
      if (STREAMING.test(response.headers.get('content-type') ?? '')) return undefined;
      const declared = response.headers.get('content-length');
      if (declared != null && Number(declared) < options.minBytes) {
        // Too small to be worth compressing: sent as it is, without copying the body.
        response.headers.append('vary', 'Accept-Encoding');
        return undefined;
      }
      return sendCompressed(response, encoding, setResponse, fetchAPI);
    },
  };
}
