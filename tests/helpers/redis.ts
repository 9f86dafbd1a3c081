import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createClient } from '@keyv/redis';

/** Why Redis-backed tests cannot run here, or undefined when REDIS_URL is set. */
export const redisSkipReason = process.env.REDIS_URL ? undefined : 'REDIS_URL is not set';

/** Why tests that start their own redis-server cannot run here, or undefined when they can. */
export const redisServerSkipReason =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0 ? undefined : 'redis-server is not on PATH';

/** A namespace no other test run uses, so parallel runs on one Redis never see each other's keys. */
export function uniqueNamespace(prefix = 'test'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

/** Removes the keys of one namespace (tests only: the service itself never scans). */
export async function dropNamespace(url: string, namespace: string): Promise<void> {
  const client = createClient({ url });
  client.on('error', () => {});
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${namespace}:*`, COUNT: 500 })) {
      if (keys.length) await client.unlink(keys);
    }
  } finally {
    client.destroy();
  }
}

/** A port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 40_000);
    const ok = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
    });
    if (ok) return port;
  }
}

export interface RedisServer {
  url: string;
  port: number;
  /** Kills the server at once (SIGKILL), like a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Runs one command against it and returns the reply. */
  command(...args: string[]): Promise<unknown>;
}

/** A throwaway redis-server of our own on a random free port on 127.0.0.1, with no persistence. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const proc = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) resolve();
      };
      proc.stdout?.on('data', onData);
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    });
  };
  await start();
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    start,
    async kill() {
      const proc = child;
      if (!proc || proc.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      });
    },
    async command(...args: string[]) {
      const client = createClient({ url });
      client.on('error', () => {});
      await client.connect();
      try {
        return await client.sendCommand(args);
      } finally {
        client.destroy();
      }
    },
  };
}
