import { loadConfig, type Config } from '../../src/config.ts';
import type { AppDeps } from '../../src/context.ts';
import { createDb, type QueryEvent } from '../../src/db/create-db.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createAuth } from '../../src/domains/auth/auth.ts';
import { seedBuiltinTemplates } from '../../src/domains/templates/templates.seed.ts';
import { createLogger } from '../../src/logger.ts';
import { createServer, type Server } from '../../src/server.ts';
import { createTestDatabase } from './db.ts';

export interface GqlResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: string[]; extensions?: Record<string, any> }[];
}

export interface TestApp {
  yoga: Server;
  deps: AppDeps;
  config: Config;
  databaseUrl: string;
  /** Runs one operation in-process through yoga's fetch. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<GqlResponse<T>>;
  /** Records every SQL statement executed while `fn` runs. */
  countStatements<T>(fn: () => Promise<T>): Promise<{ result: T; statements: QueryEvent[] }>;
  close(): Promise<void>;
}

/** A migrated fresh database with a server over it; seeding is off unless asked for. */
export async function createTestApp(
  opts: { env?: Record<string, string>; seed?: boolean } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, ...opts.env });
  const dbHandle = createDb({ url: database.url, ...config.db });
  await migrateToLatest(dbHandle.db);
  if (opts.seed) await seedBuiltinTemplates(dbHandle.db, config.templates.categories);
  const logger = createLogger('silent');
  const deps: AppDeps = { config, dbHandle, db: dbHandle.db, logger, auth: createAuth(config, dbHandle.db, logger) };
  const yoga = createServer(deps);
  return {
    yoga,
    deps,
    config,
    databaseUrl: database.url,
    async gql(query, variables, headers = {}) {
      const res = await yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as GqlResponse;
    },
    async countStatements(fn) {
      const statements: QueryEvent[] = [];
      const off = dbHandle.onQuery((e) => statements.push(e));
      try {
        const result = await fn();
        return { result, statements };
      } finally {
        off();
      }
    },
    async close() {
      await deps.auth.close();
      await dbHandle.close();
      await database.drop();
    },
  };
}
