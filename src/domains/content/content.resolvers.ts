import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { badInput, notFound } from '../../errors.ts';
import { connectionFromRows, decodeCursor, encodeCursor, pageSize } from '../../lib/cursor.ts';
import { isUuid } from '../../lib/uuid.ts';
import { usageEventProblems } from '../usage/usage.service.ts';
import { insertGeneratedContentsTogether } from './content.repository.ts';
import type { GeneratedContentRow } from './content.table.ts';

const CURSOR_KIND = 'gc';

export const contentResolvers: Resolvers = {
  Query: {
    generatedContent: (_, { id }, ctx) => ctx.loaders.generatedContentById.load(id),
  },
  Mutation: {
    recordGeneratedContent: async (_, { input }, ctx) => {
      const problems = usageEventProblems(input);
      const bytes = Buffer.byteLength(input.content, 'utf8');
      const max = ctx.deps.config.content.maxBytes;
      if (bytes > max) problems.push(`content is ${bytes} bytes, more than the limit of ${max}`);
      if (input.tokensUsed != null && input.tokensUsed < 0) problems.push('tokensUsed must not be negative');
      if (problems.length) throw badInput(`Invalid generated content: ${problems.join('; ')}`, { problems });
      const template = await ctx.loaders.templateById.load(input.templateId);
      if (!template) throw notFound(`No template with id "${input.templateId}"`, { id: input.templateId });
      const entry = {
        templateId: template.id,
        aiModel: input.aiModel ?? null,
        inputVariables: input.inputVariables ?? {},
        content: input.content,
        tokensUsed: input.tokensUsed ?? null,
        responseTimeMs: input.responseTimeMs ?? null,
      };
      // Recorded together with the contents other requests record at this moment (group commit).
      const [row] = (await insertGeneratedContentsTogether(ctx.deps.db, [entry])) as [GeneratedContentRow];
      ctx.loaders.generatedContentById.prime(row.id, row);
      return row;
    },
  },
  PromptTemplate: {
    generatedContents: async (t, args, ctx) => {
      const first = pageSize(args.first, ctx.deps.config.pagination);
      let after: { createdAt: Date; id: string } | undefined;
      if (args.after) {
        const [at, id] = decodeCursor(args.after, CURSOR_KIND, 2);
        if (typeof id !== 'string' || !isUuid(id)) throw badInput('Invalid cursor', { argument: 'after' });
        after = { createdAt: new Date(Number(at)), id };
      }
      const rows = first === 0 ? [] : await ctx.loaders.generatedContentPage.load({ templateId: t.id, limit: first + 1, after });
      return connectionFromRows(rows, first, (row) => encodeCursor(CURSOR_KIND, [row.created_at.getTime(), row.id]));
    },
  },
  GeneratedContent: {
    aiModel: (c) => c.ai_model,
    inputVariables: (c) => c.input_variables,
    tokensUsed: (c) => c.tokens_used,
    responseTimeMs: (c) => c.response_time_ms,
    createdAt: (c) => c.created_at,
    template: async (c, _, ctx) => {
      const t = await ctx.loaders.templateById.load(c.template_id);
      if (!t) throw new Error(`generated content ${c.id} refers to missing template ${c.template_id}`);
      return t;
    },
  },
};
