import { isDeepStrictEqual } from 'node:util';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { badInput, conflict, isUniqueViolation, notFound } from '../../errors.ts';
import { decodeCursor, encodeCursor } from '../../lib/cursor.ts';
import { sliceOf } from '../../lib/frozen-arrays.ts';
import { isUuid } from '../../lib/uuid.ts';
import { renderContent, type RenderOutcome } from './render.ts';
import * as repo from './templates.repository.ts';
import type { NewTemplateRow, TemplateRow, TemplateVariable } from './templates.table.ts';
import { assertValidTemplate, normaliseVariables, templateProblems } from './templates.validation.ts';

export interface TemplateServiceDeps {
  db: Kysely<Database>;
  config: Config;
  /**
   * Called after a write commits, with the rows as they were before and after it; for a create, also with what
   * `markBeforeCreate` returned before the insert.
   */
  onTemplatesChanged?: (change: TemplateChange) => void | Promise<void>;
  /** Called before a create writes (the cache's invalidation mark, so the created rows can be stored safely). */
  markBeforeCreate?: () => number;
}

export interface TemplateChange {
  before: TemplateRow[];
  after: TemplateRow[];
  /** For a create: `markBeforeCreate()`'s value, taken before the rows were inserted. */
  createdSince?: number;
}

export interface VariableInput {
  name: string;
  description?: string | null;
  required?: boolean | null;
  defaultValue?: unknown;
}

export interface CreateTemplateInput {
  name: string;
  description?: string | null;
  category: string;
  content: string;
  variables?: readonly VariableInput[] | null;
  createdBy?: string | null;
}

export interface UpdateTemplateInput {
  name?: string | null;
  description?: string | null;
  category?: string | null;
  content?: string | null;
  variables?: readonly VariableInput[] | null;
  updatedBy?: string | null;
}

function toFields(input: CreateTemplateInput) {
  return {
    name: input.name,
    description: input.description ?? null,
    category: input.category,
    content: input.content,
    variables: normaliseVariables(input.variables ?? []),
    createdBy: input.createdBy ?? null,
  };
}

/** The row to insert for validated fields. */
function newTemplateRow(f: ReturnType<typeof toFields>): NewTemplateRow {
  return {
    name: f.name,
    description: f.description,
    category: f.category,
    content: f.content,
    variables: JSON.stringify(f.variables),
    created_by: f.createdBy,
  };
}

async function notify(deps: TemplateServiceDeps, before: TemplateRow[], after: TemplateRow[], createdSince?: number) {
  await deps.onTemplatesChanged?.(createdSince === undefined ? { before, after } : { before, after, createdSince });
}

function nameConflict(name: string) {
  return conflict(`A template named "${name}" already exists`, { field: 'name' });
}

/**
 * Validates and inserts a template with its first version, in a statement shared with the creates made at the
 * same moment outside a transaction; a taken name is a CONFLICT error.
 */
export async function createTemplate(deps: TemplateServiceDeps, input: CreateTemplateInput): Promise<TemplateRow> {
  const fields = toFields(input);
  assertValidTemplate(fields, deps.config.templates);
  let row: TemplateRow;
  const mark = deps.markBeforeCreate?.();
  try {
    [row] = (await repo.insertTemplatesTogether(deps.db, [newTemplateRow(fields)])) as [TemplateRow];
  } catch (err) {
    if (isUniqueViolation(err)) throw nameConflict(fields.name);
    throw err;
  }
  await notify(deps, [], [row], mark);
  return row;
}

/**
 * Creates up to `batchMaxItems` templates in one atomic statement with multi-row inserts. Every item is validated
 * first; any problem (including a name repeated in the batch or already taken) rejects the whole batch with
 * each item's errors reported as `{ index, message }`.
 */
export async function createTemplates(
  deps: TemplateServiceDeps,
  inputs: readonly CreateTemplateInput[],
): Promise<TemplateRow[]> {
  const max = deps.config.batchMaxItems;
  if (inputs.length === 0) throw badInput('inputs must not be empty');
  if (inputs.length > max) throw badInput(`At most ${max} templates may be created at once, got ${inputs.length}`, { limit: max });
  const fields = inputs.map(toFields);
  const items: { index: number; message: string }[] = [];
  const firstIndexByName = new Map<string, number>();
  fields.forEach((f, index) => {
    for (const message of templateProblems(f, deps.config.templates)) items.push({ index, message });
    const earlier = firstIndexByName.get(f.name);
    if (earlier !== undefined) items.push({ index, message: `name "${f.name}" repeats item ${earlier}` });
    else firstIndexByName.set(f.name, index);
  });
  const taken = new Set((await repo.findTemplatesByNames(deps.db, [...firstIndexByName.keys()])).map((r) => r.name));
  fields.forEach((f, index) => {
    if (taken.has(f.name) && firstIndexByName.get(f.name) === index) {
      items.push({ index, message: `a template named "${f.name}" already exists` });
    }
  });
  if (items.length) {
    items.sort((a, b) => a.index - b.index);
    const onlyConflicts = items.every((i) => i.message.startsWith('a template named'));
    const summary = items.map((i) => `[${i.index}] ${i.message}`).join('; ');
    throw onlyConflicts ? conflict(`Batch rejected: ${summary}`, { items }) : badInput(`Batch rejected: ${summary}`, { items });
  }
  let rows: TemplateRow[];
  const mark = deps.markBeforeCreate?.();
  try {
    // One statement: every template and its first version, or nothing.
    rows = await repo.insertTemplates(deps.db, fields.map(newTemplateRow));
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('Batch rejected: a name was taken concurrently; nothing was written');
    throw err;
  }
  const byName = new Map(rows.map((r) => [r.name, r]));
  const ordered = fields.map((f) => byName.get(f.name) as TemplateRow);
  await notify(deps, [], ordered, mark);
  return ordered;
}

async function lockExisting(trx: Parameters<typeof repo.findTemplateForUpdate>[0], id: string): Promise<TemplateRow> {
  const row = isUuid(id) ? await repo.findTemplateForUpdate(trx, id) : undefined;
  if (!row) throw notFound(`No template with id "${id}"`, { id });
  return row;
}

/** Applies a change; a change of content or variables bumps the version and records it. */
export async function updateTemplate(
  deps: TemplateServiceDeps,
  id: string,
  input: UpdateTemplateInput,
): Promise<TemplateRow> {
  let before!: TemplateRow;
  let after: TemplateRow;
  try {
    after = await deps.db.transaction().execute(async (trx) => {
      before = await lockExisting(trx, id);
      const variables = input.variables != null ? normaliseVariables(input.variables) : before.variables;
      const next = {
        name: input.name ?? before.name,
        description: input.description !== undefined ? input.description : before.description,
        category: input.category ?? before.category,
        content: input.content ?? before.content,
        variables,
        createdBy: input.updatedBy ?? null,
      };
      assertValidTemplate(next, deps.config.templates);
      const bodyChanged = next.content !== before.content || !isDeepStrictEqual(variables, before.variables);
      const metaChanged =
        next.name !== before.name || next.description !== before.description || next.category !== before.category;
      if (!bodyChanged && !metaChanged) return before;
      return repo.updateTemplateRow(
        trx,
        before.id,
        {
          name: next.name,
          description: next.description,
          category: next.category,
          ...(bodyChanged
            ? { content: next.content, variables: JSON.stringify(variables), version: before.version + 1 }
            : {}),
        },
        bodyChanged ? { createdBy: next.createdBy } : undefined,
      );
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw nameConflict(input.name ?? '');
    throw err;
  }
  if (after !== before) await notify(deps, [before], [after]);
  return after;
}

/** Soft delete: marks the template inactive. Deleting an inactive template changes nothing. */
export async function deleteTemplate(deps: TemplateServiceDeps, id: string): Promise<TemplateRow> {
  let before!: TemplateRow;
  const after = await deps.db.transaction().execute(async (trx) => {
    before = await lockExisting(trx, id);
    if (!before.is_active) return before;
    return repo.updateTemplateRow(trx, before.id, { is_active: false });
  });
  if (after !== before) await notify(deps, [before], [after]);
  return after;
}

/** Makes an earlier version current again, recorded as a new version. */
export async function restoreTemplateVersion(
  deps: TemplateServiceDeps,
  id: string,
  version: number,
): Promise<TemplateRow> {
  let before!: TemplateRow;
  const after = await deps.db.transaction().execute(async (trx) => {
    before = await lockExisting(trx, id);
    const old = await repo.findTemplateVersion(trx, before.id, version);
    if (!old) throw notFound(`Template "${before.name}" has no version ${version}`, { id, version });
    return repo.updateTemplateRow(
      trx,
      before.id,
      { content: old.content, variables: JSON.stringify(old.variables), version: before.version + 1 },
      { createdBy: old.created_by },
    );
  });
  await notify(deps, [before], [after]);
  return after;
}

export interface RenderRequest {
  variables?: unknown;
  strict?: boolean | null;
  /** The largest rendered output allowed (RENDER_MAX_OUTPUT_BYTES). */
  maxOutputBytes?: number;
}

/** Renders an active template; missing required variables, and unknown ones in strict mode, are BAD_USER_INPUT. */
export function renderTemplateRow(template: TemplateRow, req: RenderRequest): RenderOutcome {
  const values = req.variables ?? {};
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw badInput('variables must be a JSON object', { argument: 'variables' });
  }
  const outcome = renderContent(template.content, template.variables, values as Record<string, unknown>, req.maxOutputBytes);
  if (outcome.missingRequired.length) {
    throw badInput(`Missing required variables: ${outcome.missingRequired.join(', ')}`, {
      missing: outcome.missingRequired,
    });
  }
  if (req.strict && outcome.unknownVariables.length) {
    throw badInput(`Variables not declared by the template: ${outcome.unknownVariables.join(', ')}`, {
      unknown: outcome.unknownVariables,
    });
  }
  return outcome;
}

export type TemplateOrderField = 'CREATED_AT' | 'UPDATED_AT' | 'NAME';
const ORDER_COLUMN: Record<TemplateOrderField, repo.TemplateSortColumn> = {
  CREATED_AT: 'created_at',
  UPDATED_AT: 'updated_at',
  NAME: 'name',
};

export interface TemplatePage {
  rows: TemplateRow[];
  /** The cursor of `rows[i]`, made only when a client asks for it. */
  cursorAt(i: number): string;
  hasNextPage: boolean;
}

/** One edge of a page: its cursor is made from the page only when selected. */
export interface TemplateEdgeSource {
  node: TemplateRow;
  i: number;
  page: TemplatePage;
}

/** A page plus what is needed to count the whole list only if `totalCount` is selected. */
export interface TemplateConnectionSource extends TemplatePage {
  filter: repo.TemplateListFilter;
}

/**
 * One keyset page of templates; cursors carry the order they were made for. `findPageKeys` finds the page by
 * id and sort value (through the cache, see loadTemplatePageKeys); `loadRows` (read through the cache, see
 * loadTemplatesByStoredIds) brings the rows, in one batch.
 */
export async function listTemplates(
  findPageKeys: (q: repo.TemplatePageQuery) => Promise<readonly repo.TemplatePageKey[]>,
  loadRows: (ids: readonly string[]) => Promise<ReadonlyArray<TemplateRow | null | undefined | Error>>,
  args: {
    filter: repo.TemplateListFilter;
    field: TemplateOrderField;
    direction?: 'ASC' | 'DESC' | null;
    first: number;
    after?: string | null;
  },
): Promise<TemplatePage> {
  const column = ORDER_COLUMN[args.field];
  const direction = args.direction ? (args.direction === 'ASC' ? 'asc' : 'desc') : column === 'name' ? 'asc' : 'desc';
  const kind = `t:${column}:${direction}`;
  let after: repo.TemplatePageQuery['after'];
  if (args.after) {
    const [value, id] = decodeCursor(args.after, kind, 2);
    if (typeof id !== 'string' || !isUuid(id)) throw badInput('Invalid cursor', { argument: 'after' });
    // Lower-cased as PostgreSQL reads a uuid: the cached pages compare ids as strings (see pageAfterCreates).
    after = { value: column === 'name' ? String(value) : new Date(Number(value)), id: id.toLowerCase() };
  }
  if (args.first === 0) return { rows: [], cursorAt: () => '', hasNextPage: false };
  const keys = await findPageKeys({
    filter: args.filter,
    column,
    direction,
    after,
    limit: args.first + 1,
  });
  const hasNextPage = keys.length > args.first;
  const page = sliceOf(keys, 0, args.first); // keys may be a cached (frozen) page
  const loaded = await loadRows(page.map((k) => k.id));
  const rows: TemplateRow[] = [];
  const positions: typeof page = [];
  page.forEach((k, i) => {
    const row = loaded[i];
    if (row instanceof Error) throw row;
    if (!row) return; // removed since the page was read
    rows.push(row);
    positions.push(k);
  });
  const cursorAt = (i: number) => {
    const k = positions[i]!;
    return encodeCursor(kind, [typeof k.key === 'string' ? k.key : Number(k.key), k.id]);
  };
  return { rows, cursorAt, hasNextPage };
}

export type { TemplateVariable };
