import type { YogaInitialContext } from 'graphql-yoga';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DbHandle } from './db/create-db.ts';
import { createContentLoaders, type ContentLoaders } from './domains/content/content.loaders.ts';
import { createTemplateLoaders, type TemplateLoaders } from './domains/templates/templates.loaders.ts';
import type { TemplateServiceDeps } from './domains/templates/templates.service.ts';
import { createUsageLoaders, type UsageLoaders } from './domains/usage/usage.loaders.ts';
import type { Logger } from './logger.ts';

/** What the server is built from: created once at start, shared by every request. */
export interface AppDeps {
  config: Config;
  dbHandle: DbHandle;
  db: Kysely<Database>;
  logger: Logger;
}

export type Loaders = TemplateLoaders & UsageLoaders & ContentLoaders;

/** The per-request context: shared dependencies plus loaders made fresh for this request. */
export interface Context extends YogaInitialContext {
  deps: AppDeps;
  loaders: Loaders;
  templates: TemplateServiceDeps;
}

/** Builds the per-request part of the context. Loaders must never outlive one request. */
export function createRequestContext(deps: AppDeps): Omit<Context, keyof YogaInitialContext> {
  const loaders: Loaders = {
    ...createTemplateLoaders(deps.db),
    ...createUsageLoaders(deps.db),
    ...createContentLoaders(deps.db),
  };
  return {
    deps,
    loaders,
    templates: { db: deps.db, config: deps.config },
  };
}
