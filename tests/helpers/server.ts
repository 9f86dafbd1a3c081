import { Writable } from 'node:stream';
import { startApp, type RunningApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createTestDatabase } from './db.ts';

export interface TestServer {
  app: RunningApp;
  url: string;
  databaseUrl: string;
  /** Every log line written so far, parsed. */
  logs: Record<string, any>[];
  /** POSTs one GraphQL operation over HTTP. */
  post(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

/**
 * A real HTTP server (random port on 127.0.0.1) over a fresh migrated database; its logs are captured.
 * `databaseUrl` reaches the server another way (e.g. through a proxy); its `DBNAME` is replaced by the fresh
 * database's name.
 */
export async function startTestServer(opts: { env?: Record<string, string>; databaseUrl?: string } = {}): Promise<TestServer> {
  const database = await createTestDatabase();
  const logs: Record<string, any>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    SEED_TEMPLATES: 'false',
    DATABASE_URL: opts.databaseUrl?.replace('DBNAME', new URL(database.url).pathname.slice(1)) ?? database.url,
    ...opts.env,
  });
  const app = await startApp(config, createLogger(config.logLevel, sink));
  return {
    app,
    url: app.url,
    databaseUrl: database.url,
    logs,
    post(query, variables, headers = {}) {
      return fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
    },
    async close() {
      await app.close(2_000);
      await database.drop();
    },
  };
}
