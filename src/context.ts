import type { YogaInitialContext } from 'graphql-yoga';
import type { Kysely } from 'kysely';
import type { Cache } from './cache/index.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DbHandle } from './db/create-db.ts';
import { createContentLoaders, type ContentLoaders } from './domains/content/content.loaders.ts';
import { invalidateTemplates } from './domains/templates/templates.cache.ts';
import type { AuthenticatedKey } from './domains/auth/api-keys.service.ts';
import type { Auth } from './domains/auth/auth.ts';
import {
  createTemplateLoaders,
  refreshTemplateLoaders,
  TEMPLATE_CACHE_KINDS,
  type TemplateLoaders,
} from './domains/templates/templates.loaders.ts';
import type { TemplateServiceDeps } from './domains/templates/templates.service.ts';
import { createUsageLoaders, USAGE_CACHE_KINDS, type UsageLoaders } from './domains/usage/usage.loaders.ts';
import type { Logger } from './logger.ts';
import type { Observability } from './observability/observability.ts';

/** What the server is built from: created once at start, shared by every request. */
export interface AppDeps {
  config: Config;
  dbHandle: DbHandle;
  db: Kysely<Database>;
  logger: Logger;
  /** The shared Keyv cache (in process, or Redis when REDIS_URL is set). */
  cache: Cache;
  /** Metrics and performance figures; createServer makes one when absent. */
  observability?: Observability | undefined;
  /** API-key verification and the per-key rate limit (see AUTH_MODE). */
  auth: Auth;
}

export type Loaders = TemplateLoaders & UsageLoaders & ContentLoaders;

/** The per-request context: shared dependencies plus loaders made fresh for this request. */
export interface Context extends YogaInitialContext {
  deps: AppDeps;
  loaders: Loaders;
  templates: TemplateServiceDeps;
  /** The API key the request was made with; null when AUTH_MODE=off. */
  apiKey: AuthenticatedKey | null;
}

/**
 * One request's loaders, each domain's made when the request first uses one of them. Most operations touch one
 * domain (a memory append touches none), and a request waiting on the database keeps what it made alive through
 * every young-generation collection meanwhile.
 */
class RequestLoaders implements Loaders {
  readonly #deps: AppDeps;
  #templates: TemplateLoaders | undefined;
  #usage: UsageLoaders | undefined;
  #content: ContentLoaders | undefined;

  constructor(deps: AppDeps) {
    this.#deps = deps;
  }

  get #t(): TemplateLoaders {
    return (this.#templates ??= createTemplateLoaders(this.#deps.db, this.#deps.cache));
  }
  get #u(): UsageLoaders {
    return (this.#usage ??= createUsageLoaders(this.#deps.db, this.#deps.cache));
  }
  get #c(): ContentLoaders {
    return (this.#content ??= createContentLoaders(this.#deps.db));
  }

  get templateById() {
    return this.#t.templateById;
  }
  get templateByName() {
    return this.#t.templateByName;
  }
  get versionsByTemplateId() {
    return this.#t.versionsByTemplateId;
  }
  get categories() {
    return this.#t.categories;
  }
  get usageByTemplateId() {
    return this.#u.usageByTemplateId;
  }
  get usageSinceByTemplateId() {
    return this.#u.usageSinceByTemplateId;
  }
  get generatedContentById() {
    return this.#c.generatedContentById;
  }
  get generatedContentPage() {
    return this.#c.generatedContentPage;
  }
}

/** Builds the per-request part of the context. Loaders must never outlive one request. */
export function createRequestContext(
  deps: AppDeps,
  apiKey: AuthenticatedKey | null = null,
): Omit<Context, keyof YogaInitialContext> {
  const loaders = new RequestLoaders(deps);
  return {
    deps,
    loaders,
    templates: {
      db: deps.db,
      config: deps.config,
      // Runs after each template write commits; the mutation answers only once the cache has forgotten it, and
      // this request's loaders too: a later field of the same operation reads the template as written.
      onTemplatesChanged: async (change) => {
        await invalidateTemplates(deps.cache, change, [USAGE_CACHE_KINDS.popular]);
        refreshTemplateLoaders(loaders, change);
      },
      markBeforeCreate: () => deps.cache.invalidationSeq(TEMPLATE_CACHE_KINDS.byId),
    },
    apiKey,
  };
}
