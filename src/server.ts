import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { createSchema, createYoga, type Plugin, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { createRequestContext, type AppDeps, type Context } from './context.ts';
import { templateResolvers } from './domains/templates/templates.resolvers.ts';
import { createMaskError, useErrorCodes } from './plugins/error-policy.ts';
import { applyInputLimits } from './plugins/input-limits.ts';
import { loadTrustedDocuments, useTrustedDocuments } from './plugins/trusted-documents.ts';
import { useAuth } from './plugins/use-auth.ts';
import { useQueryLimits } from './plugins/use-query-limits.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));

/** The header browsers must send on every request (CSRF prevention); any non-simple request carries one anyway. */
export const CSRF_HEADER = 'x-graphql-yoga-csrf';

const GRAPHIQL_EXAMPLE = `# Templates with their current version and variables.
# Press the run button (or Ctrl+Enter) to see the data.
query Templates {
  templates(first: 10) {
    totalCount
    edges {
      node {
        name
        category
        version
        variables { name required defaultValue }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
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

/** Builds the GraphQL server over already-created dependencies; performs no I/O beyond reading its files. */
export function createServer(deps: AppDeps): Server {
  const { config } = deps;
  const typeDefs = readFileSync(SCHEMA_PATH, 'utf8');
  const resolvers = mergeResolvers(
    { DateTime: DateTimeResolver, JSON: JSONResolver } as Resolvers,
    templateResolvers,
  );
  const schema = applyInputLimits(createSchema<Context>({ typeDefs, resolvers: resolvers as never }), config.limits);
  const plugins: Plugin[] = [
    // Trusted documents first: an unregistered operation is refused before anything else looks at it.
    ...(config.trustedDocuments.enabled ? [useTrustedDocuments(loadTrustedDocuments(config.trustedDocuments.path))] : []),
    useCSRFPrevention({ requestHeaders: [CSRF_HEADER] }) as Plugin,
    useAuth(deps.auth),
    useQueryLimits(config.limits, config.pagination),
    useDeferStream() as Plugin,
    useErrorCodes(),
  ];
  return createYoga<Record<string, unknown>, RequestContext>({
    schema: schema as never,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: config.limits.graphiql ? { title: 'Prompt templates', defaultQuery: GRAPHIQL_EXAMPLE } : false,
    logging: false,
    maxRequestBodySize: config.limits.maxBodyBytes,
    batching: config.limits.maxBatch > 0 ? { limit: config.limits.maxBatch } : false,
    maskedErrors: {
      maskError: createMaskError({ logger: deps.logger, maxBodyBytes: config.limits.maxBodyBytes, maxBatch: config.limits.maxBatch }),
      isDev: config.env === 'development',
    },
    ...(config.trustedDocuments.enabled ? { extraParamNames: ['documentId'] } : {}),
    context: ({ request }) => createRequestContext(deps, deps.auth.keyFor(request)),
    plugins,
  });
}
