import { GraphQLError } from 'graphql';
import type { RenderResult, Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import type { NewUsageEvent } from '../usage/usage.repository.ts';
import { recordUsageEvents, usageEventProblems } from '../usage/usage.service.ts';
import { badInput, notFound } from '../../errors.ts';
import { pageSize } from '../../lib/cursor.ts';
import { withIdempotency, type IdempotencyCodec } from '../idempotency/idempotency.service.ts';
import { loadTemplatePageKeys, loadTemplatesByStoredIds } from './templates.loaders.ts';
import { countTemplates, findTemplatesByIds, type TemplatePageQuery } from './templates.repository.ts';
import * as service from './templates.service.ts';
import type { TemplateRow, TemplateVariable } from './templates.table.ts';

/** A created template is remembered by id and returned as it is now on a retry. */
const templateByIdCodec: IdempotencyCodec<TemplateRow> = {
  store: (row) => ({ id: row.id }),
  load: async (stored, db) => {
    const [row] = await findTemplatesByIds(db, [(stored as { id: string }).id]);
    if (!row) throw notFound('The template created with this idempotencyKey no longer exists');
    return row;
  },
};

const variableOut = (v: TemplateVariable) => ({
  name: v.name,
  description: v.description ?? null,
  required: v.required,
  defaultValue: v.defaultValue ?? null,
});

interface RenderArgs {
  id?: string | null;
  name?: string | null;
  variables?: unknown;
  strict?: boolean | null;
  aiModel?: string | null;
}


/**
 * Renders each request, loading every template through the loaders (one statement for all ids, one for all
 * names), and records one usage event per found template (success or not) in a single multi-row insert.
 */
async function renderMany(ctx: Context, requests: readonly RenderArgs[]): Promise<{ result?: RenderResult; error?: GraphQLError }[]> {
  const templates = await Promise.all(
    requests.map((r) => {
      if ((r.id == null) === (r.name == null)) return Promise.resolve(undefined);
      return r.id != null ? ctx.loaders.templateById.load(r.id) : ctx.loaders.templateByName.load(r.name as string);
    }),
  );
  const events: NewUsageEvent[] = [];
  const items = requests.map((r, i) => {
    const template = templates[i];
    try {
      if (template === undefined) throw badInput('Give exactly one of id and name');
      if (!template || !template.is_active) {
        throw notFound(`No active template ${r.id != null ? `with id "${r.id}"` : `named "${r.name}"`}`);
      }
      const problems = usageEventProblems({ aiModel: r.aiModel });
      if (problems.length) throw badInput(problems.join('; '), { argument: 'aiModel' });
      const event: NewUsageEvent = { templateId: template.id, aiModel: r.aiModel ?? null, success: false, responseTimeMs: null };
      events.push(event);
      const out = service.renderTemplateRow(template, {
        variables: r.variables,
        strict: r.strict,
        maxOutputBytes: ctx.deps.config.limits.maxRenderBytes,
      });
      event.success = true;
      return {
        result: {
          templateId: template.id,
          templateName: template.name,
          version: template.version,
          rendered: out.rendered,
          usedVariables: out.usedVariables,
          defaultedVariables: out.defaultedVariables,
          missingVariables: out.missingVariables,
          unknownVariables: out.unknownVariables,
        },
      };
    } catch (err) {
      if (err instanceof GraphQLError) return { error: err };
      throw err;
    }
  });
  await recordUsageEvents(ctx.deps.db, ctx.deps.cache, events);
  return items;
}

export const templateResolvers: Resolvers = {
  Query: {
    template: (_, { id }, ctx) => ctx.loaders.templateById.load(id),
    templateByName: (_, { name }, ctx) => ctx.loaders.templateByName.load(name),
    templates: async (_, args, ctx) => {
      const first = pageSize(args.first, ctx.deps.config.pagination);
      const filter = {
        category: args.filter?.category ?? null,
        search: args.filter?.search ?? null,
        createdBy: args.filter?.createdBy ?? null,
        includeInactive: args.filter?.includeInactive ?? false,
      };
      const { db, cache, config } = ctx.deps;
      const findPageKeys = (q: TemplatePageQuery) => loadTemplatePageKeys(db, cache, config.templates.categories, q);
      const page = await service.listTemplates(findPageKeys, (ids) => loadTemplatesByStoredIds(db, cache, ids), {
        filter,
        field: args.orderBy?.field ?? 'CREATED_AT',
        direction: args.orderBy?.direction ?? null,
        first,
        after: args.after ?? null,
      });
      return { ...page, filter };
    },
    categories: (_, __, ctx) => ctx.loaders.categories.load('all'),
  },
  Mutation: {
    createTemplate: (_, { input, idempotencyKey }, ctx) =>
      // Without a key the create is one atomic statement: no transaction, no extra round trips.
      idempotencyKey == null
        ? service.createTemplate(ctx.templates, input)
        : withIdempotency(
            ctx.deps.db,
            { scope: `createTemplate:${ctx.apiKey?.id ?? 'anonymous'}`, key: idempotencyKey, input, codec: templateByIdCodec },
            (trx, afterCommit) =>
              service.createTemplate(
                { ...ctx.templates, db: trx, onTemplatesChanged: (c) => afterCommit(() => ctx.templates.onTemplatesChanged?.(c)) },
                input,
              ),
          ),
    updateTemplate: (_, { id, input }, ctx) => service.updateTemplate(ctx.templates, id, input),
    deleteTemplate: (_, { id }, ctx) => service.deleteTemplate(ctx.templates, id),
    restoreTemplateVersion: (_, { id, version }, ctx) => service.restoreTemplateVersion(ctx.templates, id, version),
    createTemplates: (_, { inputs }, ctx) => service.createTemplates(ctx.templates, inputs),
    renderTemplate: async (_, args, ctx) => {
      const [item] = await renderMany(ctx, [args]);
      if (item!.error) throw item!.error;
      return item!.result!;
    },
    renderTemplates: async (_, { requests }, ctx) => {
      const max = ctx.deps.config.batchMaxItems;
      if (requests.length > max) {
        throw badInput(`At most ${max} templates may be rendered at once, got ${requests.length}`, { limit: max });
      }
      const items = await renderMany(ctx, requests);
      return items.map((item, index) => ({
        index,
        result: item.result ?? null,
        error: item.error
          ? { code: String(item.error.extensions.code ?? 'INTERNAL_SERVER_ERROR'), message: item.error.message }
          : null,
      }));
    },
  },
  TemplateEdge: {
    cursor: (e) => e.page.cursorAt(e.i),
  },
  TemplateConnection: {
    edges: (src) => src.rows.map((node, i) => ({ node, i, page: src })),
    pageInfo: (src) => ({ hasNextPage: src.hasNextPage, endCursor: src.rows.length ? src.cursorAt(src.rows.length - 1) : null }),
    totalCount: (src, _, ctx) => countTemplates(ctx.deps.db, src.filter),
  },
  PromptTemplate: {
    isActive: (t) => t.is_active,
    createdBy: (t) => t.created_by,
    createdAt: (t) => t.created_at,
    updatedAt: (t) => t.updated_at,
    variables: (t) => t.variables.map(variableOut),
    versions: (t, _, ctx) => ctx.loaders.versionsByTemplateId.load(t.id),
  },
  TemplateVersion: {
    variables: (v) => v.variables.map(variableOut),
    createdBy: (v) => v.created_by,
    createdAt: (v) => v.created_at,
  },
};
