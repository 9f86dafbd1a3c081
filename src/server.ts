import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { createSchema, createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { createRequestContext, type AppDeps, type Context } from './context.ts';
import { useExportRoutes } from './domains/export/export.routes.ts';
import { contentResolvers } from './domains/content/content.resolvers.ts';
import { memoryResolvers } from './domains/memory/memory.resolvers.ts';
import { performanceResolvers } from './domains/performance/performance.resolvers.ts';
import { templateResolvers } from './domains/templates/templates.resolvers.ts';
import { usageResolvers } from './domains/usage/usage.resolvers.ts';
import { DateTimeScalar } from './lib/date-time.ts';
import { JSONScalar } from './lib/json-scalar.ts';
import { EncodedResponse } from './lib/encoded-response.ts';
import { useServiceMetrics } from './observability/metrics.ts';
import { createObservability } from './observability/observability.ts';
import { currentRequest } from './observability/request-context.ts';
import { useBodyLimit } from './plugins/use-body-limit.ts';
import { useCompiledExecution } from './plugins/use-compiled-execution.ts';
import { useCompression } from './plugins/use-compression.ts';
import { useReadiness } from './plugins/use-readiness.ts';
import { useRequestLogging } from './plugins/use-request-logging.ts';

import { createMaskError, useErrorCodes } from './plugins/error-policy.ts';
import { applyInputLimits } from './plugins/input-limits.ts';
import { loadTrustedDocuments, useTrustedDocuments } from './plugins/trusted-documents.ts';
import { useAdminRoutes, useAuth } from './plugins/use-auth.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';
import { useValidationCache } from './plugins/use-validation-cache.ts';


export const SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The header browsers must send on every request (CSRF prevention); any non-simple request carries one anyway. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const GRAPHIQL_EXAMPLE = `# Templates with their usage, current version and variables.
# Press the run button (or Ctrl+Enter) to see the data.
query Templates {
  templates(first: 10) {
    totalCount
    edges {
      node {
        name
        category
        version
        usage { count successRate avgResponseTimeMs lastUsedAt }
        variables { name required defaultValue }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
  popularTemplates(limit: 5) { usageCount template { name } }
}
`;

/** Merges resolver maps by type name; later maps add fields to earlier ones. */
export function mergeResolvers(...maps: Resolvers[]): Resolvers {
  const out: Record<string, Record<string, unknown>> = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) {
      out[type] = { ...(out[type] ?? {}), ...(fields as Record<string, unknown>) };
    }
  }
  return out as Resolvers;
}

type RequestContext = Omit<Context, keyof YogaInitialContext>;
export type Server = YogaServerInstance<Record<string, unknown>, RequestContext>;

/**
 * Builds the GraphQL server over already-created dependencies; performs no I/O beyond reading its files.
 * Also serves /health, /ready, /metrics and the exports, and GraphiQL with its assets inlined (works offline).
 */
export function createServer(baseDeps: AppDeps): Server {
  const deps: AppDeps = { ...baseDeps, observability: baseDeps.observability ?? createObservability(baseDeps) };
  const observability = deps.observability!;
  const { config } = deps;
  const ops = config.ops;
  const graphqlEndpoint = '/graphql';
  const typeDefs = readFileSync(SCHEMA_PATH, 'utf8');
  const resolvers = mergeResolvers(
    { DateTime: DateTimeScalar, JSON: JSONScalar } as Resolvers,
    templateResolvers,
    usageResolvers,
    contentResolvers,
    memoryResolvers,
    performanceResolvers,
  );
  const schema = applyInputLimits(createSchema<Context>({ typeDefs, resolvers: resolvers as never }), config.limits);
  const validation = useValidationCache();
  const plugins: Plugin[] = [
    // Order matters for onResponse: the request id header is set before compression copies the headers.
    useRequestLogging({ logger: deps.logger, stats: observability.requests, graphqlEndpoint }),
    useReadiness({ path: '/ready', check: () => observability.readiness() }),
    // Metrics (they include the cache's figures) and the exports are for admin keys only.
    useAdminRoutes(deps.auth, [ops.metricsPath, '/export/']),
    useServiceMetrics(observability.metrics, ops.metricsPath),
    useExportRoutes(deps),
    // Trusted documents first: an unregistered operation is refused before anything else looks at it.
    ...(config.trustedDocuments.enabled ? [useTrustedDocuments(loadTrustedDocuments(config.trustedDocuments.path))] : []),
    useBodyLimit(config.limits.maxBodyBytes),
    useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }) as Plugin,
    useAuth(deps.auth),
    // Before the plugins that add validation rules, which it lets skip that for documents already validated.
    validation.plugin,
    validation.addsRulesOnly(useQueryLimits(config.limits, config.pagination)),
    validation.addsRulesOnly(useDeferStream() as Plugin),
    useCompiledExecution(deps.logger),
    useErrorCodes(),
    useCompression({ minBytes: ops.compressionMinBytes, syncMaxBytes: ops.compressionSyncMaxBytes }),
  ];
  return createYoga<Record<string, unknown>, RequestContext>({
    schema: schema as never,
    graphqlEndpoint,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: config.limits.graphiql ? { title: 'Prompt templates', defaultQuery: GRAPHIQL_EXAMPLE } : false,
    // GraphiQL's assets (a ~9 MB bundle, ~45 MB of RSS once loaded) are imported on the first page view only,
    // so a server with GraphiQL off (the production default) never holds them.
    renderGraphiQL: async (options) => (await import('@graphql-yoga/render-graphiql')).renderGraphiQL(options),
    logging: false,
    fetchAPI: { Response: EncodedResponse },
    // Parsed documents stay cached by query text; validation is cached by useValidationCache.
    parserAndValidationCache: { validationCache: false },
    maxRequestBodySize: false, // useBodyLimit
    batching: config.limits.maxBatch > 0 ? { limit: config.limits.maxBatch } : false,
    maskedErrors: {
      // Clients see "Unexpected error."; the cause goes to the log under the request's id.
      maskError: createMaskError({
        logger: () => currentRequest()?.logger ?? deps.logger,
        maxBodyBytes: config.limits.maxBodyBytes,
        maxBatch: config.limits.maxBatch,
      }),
      isDev: config.env === 'development',
    },
    ...(config.trustedDocuments.enabled ? { extraParamNames: ['documentId'] } : {}),
    context: ({ request }) => createRequestContext(deps, deps.auth.keyFor(request)),
    plugins,
  });
}
