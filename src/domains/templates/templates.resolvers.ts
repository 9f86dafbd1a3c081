import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { badInput, notFound } from '../../errors.ts';
import { pageSize } from '../../lib/cursor.ts';
import { withIdempotency, type IdempotencyCodec } from '../idempotency/idempotency.service.ts';
import { countTemplates, countActiveTemplatesByCategory, findTemplatesByIds } from './templates.repository.ts';
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
      const page = await service.listTemplates(ctx.deps.db, {
        filter,
        field: args.orderBy?.field ?? 'CREATED_AT',
        direction: args.orderBy?.direction ?? null,
        first,
        after: args.after ?? null,
      });
      for (const r of page.rows) ctx.loaders.templateById.prime(r.id, r);
      return { ...page, filter };
    },
    categories: (_, __, ctx) => countActiveTemplatesByCategory(ctx.deps.db),
  },
  Mutation: {
    createTemplate: (_, { input, idempotencyKey }, ctx) =>
      withIdempotency(
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
    renderTemplate: async (_, args, ctx) => {
      if ((args.id == null) === (args.name == null)) throw badInput('Give exactly one of id and name');
      const template = args.id != null
        ? await ctx.loaders.templateById.load(args.id)
        : await ctx.loaders.templateByName.load(args.name as string);
      if (!template || !template.is_active) {
        throw notFound(`No active template ${args.id != null ? `with id "${args.id}"` : `named "${args.name}"`}`);
      }
      const out = service.renderTemplateRow(template, {
        variables: args.variables,
        strict: args.strict,
        maxOutputBytes: ctx.deps.config.limits.maxRenderBytes,
      });
      return {
        templateId: template.id,
        templateName: template.name,
        version: template.version,
        rendered: out.rendered,
        usedVariables: out.usedVariables,
        defaultedVariables: out.defaultedVariables,
        missingVariables: out.missingVariables,
        unknownVariables: out.unknownVariables,
      };
    },
  },
  TemplateConnection: {
    edges: (src) => src.rows.map((node, i) => ({ node, cursor: src.cursors[i] as string })),
    pageInfo: (src) => ({ hasNextPage: src.hasNextPage, endCursor: src.cursors.at(-1) ?? null }),
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
