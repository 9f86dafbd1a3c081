import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useDeferStream } from '@graphql-yoga/plugin-defer-stream';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { createSchema, createYoga, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import type { Resolvers } from './__generated__/resolvers-types.ts';
import { createRequestContext, type AppDeps, type Context } from './context.ts';
import { useExportRoutes } from './domains/export/export.routes.ts';
import { contentResolvers } from './domains/content/content.resolvers.ts';
import { memoryResolvers } from './domains/memory/memory.resolvers.ts';
import { templateResolvers } from './domains/templates/templates.resolvers.ts';
import { usageResolvers } from './domains/usage/usage.resolvers.ts';

export const SCHEMA_PATH = fileURLToPath(new URL('../schema.graphql', import.meta.url));

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

/** Builds the GraphQL server over already-created dependencies; performs no I/O beyond reading the schema. */
export function createServer(deps: AppDeps): Server {
  const typeDefs = readFileSync(SCHEMA_PATH, 'utf8');
  const resolvers = mergeResolvers(
    { DateTime: DateTimeResolver, JSON: JSONResolver } as Resolvers,
    templateResolvers,
    usageResolvers,
    contentResolvers,
    memoryResolvers,
  );
  return createYoga<Record<string, unknown>, RequestContext>({
    schema: createSchema<Context>({ typeDefs, resolvers: resolvers as never }) as never,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Prompt templates', defaultQuery: GRAPHIQL_EXAMPLE },
    logging: false,
    context: () => createRequestContext(deps),
    plugins: [useDeferStream(), useExportRoutes(deps)],
  });
}
