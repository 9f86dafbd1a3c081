import type { CodegenConfig } from '@graphql-codegen/cli';

/** schema.graphql → typed resolvers; `npm run codegen:check` fails when the output is stale. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        useIndexSignature: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.ts#Context',
        scalars: {
          DateTime: 'Date',
          JSON: 'unknown',
        },
        mappers: {
          PromptTemplate: '../domains/templates/templates.table.ts#TemplateRow',
          TemplateVersion: '../domains/templates/templates.table.ts#TemplateVersionRow',
          TemplateConnection: '../domains/templates/templates.service.ts#TemplateConnectionSource',
          TemplateEdge: '../domains/templates/templates.service.ts#TemplateEdgeSource',
          GeneratedContent: '../domains/content/content.table.ts#GeneratedContentRow',
          UsageEvent: '../domains/usage/usage.table.ts#UsageEventRow',
          MemoryEntry: '../domains/memory/memory.table.ts#MemoryRow',
          Conversation: '../domains/memory/memory.resolvers.ts#ConversationSource',
          PerformanceStats: '../domains/performance/performance.types.ts#PerformanceStatsSource',
          DatabasePerformance: '../domains/performance/performance.types.ts#DatabasePerformanceSource',
        },
      },
    },
  },
};
export default config;
