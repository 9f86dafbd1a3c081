import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { badInput, notFound } from '../../errors.ts';
import { cachedBatch } from '../../cache/index.ts';
import { USAGE_CACHE_KINDS } from './usage.loaders.ts';
import { findPopularTemplates } from './usage.repository.ts';
import { recordUsageEvents, summariseUsage } from './usage.service.ts';

export const usageResolvers: Resolvers = {
  Query: {
    popularTemplates: async (_, { limit, since }, ctx) => {
      const max = ctx.deps.config.pagination.maxSize;
      const n = limit ?? 10;
      if (n < 1 || n > max) throw badInput(`limit must be between 1 and ${max}, got ${n}`, { argument: 'limit', limit: max });
      // All-time lists are cached briefly (generation-keyed, so template writes drop them); `since` lists are not.
      const rows = since
        ? await findPopularTemplates(ctx.deps.db, n, since)
        : ((
            await cachedBatch(ctx.deps.cache, USAGE_CACHE_KINDS.popular, [String(n)], async () => [
              await findPopularTemplates(ctx.deps.db, n, null),
            ], { ttlMs: ctx.deps.cache.ttl.usageMs, generational: true })
          )[0] ?? []);
      return rows.map(({ usage_count, ...template }) => {
        ctx.loaders.templateById.prime(template.id, template);
        return { template, usageCount: Number(usage_count) };
      });
    },
  },
  Mutation: {
    recordUsage: async (_, args, ctx) => {
      const template = await ctx.loaders.templateById.load(args.templateId);
      if (!template) throw notFound(`No template with id "${args.templateId}"`, { id: args.templateId });
      const [event] = await recordUsageEvents(ctx.deps.db, ctx.deps.cache, [
        {
          templateId: template.id,
          aiModel: args.aiModel ?? null,
          success: args.success,
          responseTimeMs: args.responseTimeMs ?? null,
        },
      ]);
      return event!;
    },
  },
  PromptTemplate: {
    usage: async (t, { since }, ctx) =>
      summariseUsage(
        since
          ? await ctx.loaders.usageSinceByTemplateId.load({ templateId: t.id, since })
          : await ctx.loaders.usageByTemplateId.load(t.id),
      ),
    usageCount: async (t, _, ctx) =>
      (await ctx.loaders.usageByTemplateId.load(t.id)).reduce((n, r) => n + Number(r.count), 0),
  },
  UsageEvent: {
    templateId: (e) => e.template_id,
    aiModel: (e) => e.ai_model,
    responseTimeMs: (e) => e.response_time_ms,
    createdAt: (e) => e.created_at,
  },
};
