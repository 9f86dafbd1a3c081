import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from './helpers/db.ts';

const QUERY = JSON.stringify({ query: '{ templates(first: 20) { totalCount edges { node { name } } } }' });

interface Outcome {
  /** The server acknowledged the request (100 Continue): from then on it is in flight and must be answered. */
  accepted: boolean;
  status?: number;
  connection?: string;
  body?: string;
  error?: string;
}

/**
 * POSTs with `Expect: 100-continue` on a connection of its own, so the client learns the moment the server
 * holds the request. The body is sent when `release` resolves.
 */
function inFlightRequest(url: string, release: Promise<void>, onAccepted?: () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const out: Outcome = { accepted: false };
    const req: ClientRequest = httpRequest(`${url}/graphql`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(QUERY), expect: '100-continue' },
    });
    req.on('continue', () => {
      out.accepted = true;
      onAccepted?.();
      void release.then(() => req.end(QUERY));
    });
    req.on('response', (res) => {
      out.status = res.statusCode;
      out.connection = res.headers.connection;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ...out, body }));
      res.on('error', (e) => resolve({ ...out, error: e.message }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ ...out, error: e.code ?? e.message }));
    req.flushHeaders();
  });
}

describe('graceful shutdown of a real server process', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    // The service as `npm start` runs it: built (its prestart), then the compiled entry point.
    execFileSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  it('answers every in-flight request after SIGTERM, then closes and exits 0', async () => {
    // npm start's command line, word for word (its Node flags and the compiled dist/src/main.js).
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } };
    const [, ...args] = pkg.scripts.start.split(/\s+/);
    child = spawn(process.execPath, args, {
      env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '20000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const logs: Record<string, any>[] = [];
    const waiters: { test: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }[] = [];
    const waitForLog = (test: (l: Record<string, any>) => boolean) =>
      new Promise<Record<string, any>>((resolve) => {
        const seen = logs.find(test);
        if (seen) resolve(seen);
        else waiters.push({ test, resolve });
      });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, any>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      for (const w of [...waiters]) if (w.test(entry)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(entry);
      }
    });
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));

    const started = await waitForLog((l) => typeof l.url === 'string');
    const base = String(started.url).replace(/\/graphql$/, '');

    // Five requests the server holds (headers read, body not yet sent) when the signal arrives.
    let releaseHeld!: () => void;
    const heldRelease = new Promise<void>((r) => (releaseHeld = r));
    let acceptedCount = 0;
    let allAccepted!: () => void;
    const accepted = new Promise<void>((r) => (allAccepted = r));
    const held = Array.from({ length: 5 }, () =>
      inFlightRequest(base, heldRelease, () => {
        if (++acceptedCount === 5) allAccepted();
      }),
    );
    await accepted;

    // A stream of requests, each sent as soon as the server acknowledges it, running across the signal.
    const stream: Outcome[] = [];
    let streaming = true;
    const streamer = (async () => {
      while (streaming) {
        const o = await inFlightRequest(base, Promise.resolve());
        stream.push(o);
        if (o.error && !o.accepted) break; // the server no longer accepts connections
      }
    })();
    while (stream.length < 3) await new Promise((r) => setTimeout(r, 10));

    child.kill('SIGTERM');
    await waitForLog((l) => l.msg === 'shutting down: finishing in-flight requests');
    releaseHeld();
    const heldOutcomes = await Promise.all(held);
    streaming = false;
    await streamer;
    const code = await exited;

    for (const o of heldOutcomes) {
      expect(o.error).toBeUndefined();
      expect(o.status).toBe(200);
      expect(o.connection).toBe('close');
      expect(JSON.parse(o.body!).data.templates.totalCount).toBeGreaterThan(0);
    }
    // Every streamed request the server acknowledged was answered in full; only never-accepted ones may fail.
    for (const o of stream) {
      if (o.accepted) {
        expect(o.error).toBeUndefined();
        expect(o.status).toBe(200);
        expect(JSON.parse(o.body!).data.templates.edges.length).toBeGreaterThan(0);
      } else {
        expect(o.error).toMatch(/ECONNREFUSED|ECONNRESET/);
      }
    }
    expect(stream.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(3);
    console.log(`stream across SIGTERM: ${stream.filter((o) => o.status === 200).length} answered, ${stream.filter((o) => o.error).length} refused once closed; held: ${heldOutcomes.filter((o) => o.status === 200).length}/5 answered`);
    expect(code).toBe(0);
    expect(logs.some((l) => l.msg === 'stopped')).toBe(true);
  }, 60_000);
});
