import type { YogaInitialContext } from 'graphql-yoga';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DbHandle } from './db/create-db.ts';
import { createTemplateLoaders, type TemplateLoaders } from './domains/templates/templates.loaders.ts';
import type { TemplateServiceDeps } from './domains/templates/templates.service.ts';
import type { Logger } from './logger.ts';
import type { CacheStatsSource } from './observability/cache-stats.ts';
import type { Observability } from './observability/observability.ts';

/** What the server is built from: created once at start, shared by every request. */
export interface AppDeps {
  config: Config;
  dbHandle: DbHandle;
  db: Kysely<Database>;
  logger: Logger;
  /** The shared cache, when there is one: its stats feed /metrics and performanceStats, its ping /ready. */
  cache?: CacheStatsSource | undefined;
  /** Metrics and performance figures; createServer makes one when absent. */
  observability?: Observability | undefined;
}

export type Loaders = TemplateLoaders;

/** The per-request context: shared dependencies plus loaders made fresh for this request. */
export interface Context extends YogaInitialContext {
  deps: AppDeps;
  loaders: Loaders;
  templates: TemplateServiceDeps;
}

/** Builds the per-request part of the context. Loaders must never outlive one request. */
export function createRequestContext(deps: AppDeps): Omit<Context, keyof YogaInitialContext> {
  const loaders: Loaders = createTemplateLoaders(deps.db);
  return {
    deps,
    loaders,
    templates: { db: deps.db, config: deps.config },
  };
}
