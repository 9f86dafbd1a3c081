import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { createSchema, createYoga, maskError, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { createRequestContext, type AppDeps, type Context } from './context.ts';
import { useExportRoutes } from './domains/export/export.routes.ts';
import { contentResolvers } from './domains/content/content.resolvers.ts';
import { memoryResolvers } from './domains/memory/memory.resolvers.ts';
import { performanceResolvers } from './domains/performance/performance.resolvers.ts';
import { templateResolvers } from './domains/templates/templates.resolvers.ts';
import { usageResolvers } from './domains/usage/usage.resolvers.ts';
import { useServiceMetrics } from './observability/metrics.ts';
import { createObservability } from './observability/observability.ts';
import { currentRequest } from './observability/request-context.ts';
import { useCompression } from './plugins/use-compression.ts';
import { useReadiness } from './plugins/use-readiness.ts';
import { useRequestLogging } from './plugins/use-request-logging.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));

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
 * Builds the GraphQL server over already-created dependencies; performs no I/O beyond reading the schema.
 * Also serves /health, /ready and /metrics, and GraphiQL with its assets inlined (works offline).
 */
export function createServer(baseDeps: AppDeps): Server {
  const deps: AppDeps = { ...baseDeps, observability: baseDeps.observability ?? createObservability(baseDeps) };
  const observability = deps.observability!;
  const ops = deps.config.ops;
  const graphqlEndpoint = '/graphql';
  const typeDefs = readFileSync(SCHEMA_PATH, 'utf8');
  const resolvers = mergeResolvers(
    { DateTime: DateTimeResolver, JSON: JSONResolver } as Resolvers,
    templateResolvers,
    usageResolvers,
    contentResolvers,
    memoryResolvers,
    performanceResolvers,
  );
  return createYoga<Record<string, unknown>, RequestContext>({
    schema: createSchema<Context>({ typeDefs, resolvers: resolvers as never }) as never,
    graphqlEndpoint,
    healthCheckEndpoint: '/health',
    landingPage: false,
    graphiql: { title: 'Prompt templates', defaultQuery: GRAPHIQL_EXAMPLE },
    renderGraphiQL,
    logging: false,
    maskedErrors: {
      // Clients see "Unexpected error."; the cause goes to the log under the request's id.
      maskError(error, message, isDev) {
        const masked = maskError(error, message, isDev);
        if (masked !== error) {
          const cause = (error as { originalError?: unknown }).originalError ?? error;
          (currentRequest()?.logger ?? deps.logger).error({ err: cause, path: (error as { path?: unknown }).path }, 'unexpected error');
        }
        return masked;
      },
    },
    context: () => createRequestContext(deps),
    plugins: [
      // Order matters for onResponse: the request id header is set before compression copies the headers.
      useRequestLogging({ logger: deps.logger, stats: observability.requests, graphqlEndpoint }),
      useReadiness({ path: '/ready', check: () => observability.readiness() }),
      useServiceMetrics(observability.metrics, ops.metricsPath),
      useExportRoutes(deps),
      useDeferStream(),
      useCompression({ minBytes: ops.compressionMinBytes }),
    ],
  });
}
