import { sql, type Kysely, type Transaction } from 'kysely';
import { coalesced } from '../../db/coalesce.ts';
import type { Database } from '../../db/database.ts';
import type { NewTemplateRow, TemplateRow, TemplateRowUpdate, TemplateVersionRow } from './templates.table.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface TemplateListFilter {
  category?: string | null;
  search?: string | null;
  createdBy?: string | null;
  includeInactive?: boolean | null;
}

export type TemplateSortColumn = 'created_at' | 'updated_at' | 'name';

export interface TemplatePageQuery {
  filter: TemplateListFilter;
  column: TemplateSortColumn;
  direction: 'asc' | 'desc';
  /** The (sort value, id) of the last row already seen. */
  after?: { value: Date | string; id: string } | undefined;
  limit: number;
}

/** A template's place in a page: its id and its sort value (epoch ms for times, the name for names). */
export interface TemplatePageKey {
  id: string;
  key: number | string;
}

/** Templates with the given ids, in no particular order. */
export async function findTemplatesByIds(db: Db, ids: readonly string[]): Promise<TemplateRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('prompt_templates').selectAll().where('id', 'in', ids).execute();
}

/** Templates with the given names, in no particular order. */
export async function findTemplatesByNames(db: Db, names: readonly string[]): Promise<TemplateRow[]> {
  if (names.length === 0) return [];
  return db.selectFrom('prompt_templates').selectAll().where('name', 'in', names).execute();
}

function applyFilter<QB extends { where: (...args: any[]) => QB }>(qb: QB, f: TemplateListFilter): QB {
  let q = qb;
  if (!f.includeInactive) q = q.where('is_active', '=', true);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.createdBy) q = q.where('created_by', '=', f.createdBy);
  if (f.search) {
    const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb: any) => eb.or([eb('name', 'ilike', pattern), eb('description', 'ilike', pattern)]));
  }
  return q;
}

/**
 * One keyset page of templates as (id, sort value) pairs only (ask for one more than the page size to learn
 * whether another page follows): the rows themselves come through the template loader and its cache, so a
 * page of hot templates reads a few index columns instead of every full row.
 */
export async function findTemplatePageKeys(db: Db, q: TemplatePageQuery): Promise<TemplatePageKey[]> {
  // Timestamps come as epoch milliseconds (a float8, exact for millisecond precision): what the cursor holds,
  // without parsing a date string per row.
  const key =
    q.column === 'name'
      ? sql<number | string>`name`
      : sql<number | string>`(extract(epoch from ${sql.ref(q.column)}) * 1000)::float8`;
  let qb = applyFilter(db.selectFrom('prompt_templates').select(['id', key.as('key')]), q.filter);
  if (q.after) {
    const op = q.direction === 'desc' ? sql.raw('<') : sql.raw('>');
    qb = qb.where(sql<boolean>`(${sql.ref(q.column)}, id) ${op} (${q.after.value}, ${q.after.id}::uuid)`);
  }
  return qb.orderBy(q.column, q.direction).orderBy('id', q.direction).limit(q.limit).execute();
}

/** The number of templates matching a filter. */
export async function countTemplates(db: Db, filter: TemplateListFilter): Promise<number> {
  const row = await applyFilter(db.selectFrom('prompt_templates'), filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Ids of the most recently updated active templates, newest first. */
export async function findRecentlyUpdatedActiveTemplateIds(db: Db, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db
    .selectFrom('prompt_templates')
    .select('id')
    .where('is_active', '=', true)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Each category that has active templates, with their number. */
export async function countActiveTemplatesByCategory(db: Db): Promise<{ category: string; count: number }[]> {
  const rows = await db
    .selectFrom('prompt_templates')
    .select(['category', (eb) => eb.fn.countAll<number>().as('count')])
    .where('is_active', '=', true)
    .groupBy('category')
    .orderBy('category')
    .execute();
  return rows.map((r) => ({ category: r.category, count: Number(r.count) }));
}

/** The columns a new template is written with (`variables` as JSON text). */
export type NewTemplateFields = Pick<NewTemplateRow, 'name' | 'description' | 'category' | 'content' | 'variables' | 'created_by'>;

/**
 * Inserts templates with their first version rows in one statement (a data-modifying CTE), so the pair is
 * atomic without a transaction and costs one round trip. With `skipExistingNames`, a row whose name is taken
 * is skipped instead of raising a unique violation. The templates go as one array per column, in the order
 * given: one text for any number of them, prepared once per connection (a VALUES row each made a new text,
 * parsed and planned every time, for each batch size).
 */
export async function insertTemplates(
  db: Db,
  rows: readonly NewTemplateFields[],
  opts: { skipExistingNames?: boolean } = {},
): Promise<TemplateRow[]> {
  if (rows.length === 0) return [];
  const onConflict = opts.skipExistingNames ? sql`ON CONFLICT (name) DO NOTHING` : sql``;
  const { rows: inserted } = await sql<TemplateRow>`
    WITH t AS (
      INSERT INTO prompt_templates (name, description, category, content, variables, created_by)
      SELECT name, description, category, content, variables::jsonb, created_by
      FROM unnest(${rows.map((r) => r.name)}::text[], ${rows.map((r) => r.description ?? null)}::text[],
                  ${rows.map((r) => r.category)}::text[], ${rows.map((r) => r.content)}::text[],
                  ${rows.map((r) => r.variables ?? '[]')}::text[], ${rows.map((r) => r.created_by ?? null)}::text[])
        WITH ORDINALITY AS r(name, description, category, content, variables, created_by, ord)
      ORDER BY ord
      ${onConflict}
      RETURNING *
    ), v AS (
      INSERT INTO prompt_template_versions (template_id, version, content, variables, created_by, created_at)
      SELECT id, version, content, variables, created_by, created_at FROM t
    )
    SELECT * FROM t`.execute(db);
  return inserted;
}

/**
 * insertTemplates, with the creates made together outside a transaction written by one statement (see
 * coalesced), each answered with its own row. Two of them taking one name make the statement fail as a unique
 * violation; run again one by one, the first is created and the other fails alone. Rows go in name order, so
 * two such statements running at once take the names' index entries in the same order and cannot deadlock.
 */
export const insertTemplatesTogether = coalesced<NewTemplateFields, TemplateRow>(
  async (db, rows) => {
    const inNameOrder = rows.length > 1 ? [...rows].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : rows;
    const byName = new Map((await insertTemplates(db, inNameOrder)).map((r) => [r.name, r]));
    return rows.map((r) => {
      const row = byName.get(r.name);
      if (!row) throw new Error(`insertTemplates returned no row for "${r.name}"`);
      return row;
    });
  },
  { maxItems: 100 },
);

/** The template with this id, locked for the rest of the transaction. */
export async function findTemplateForUpdate(trx: Transaction<Database>, id: string): Promise<TemplateRow | undefined> {
  return trx.selectFrom('prompt_templates').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Applies a change to one template; when `newVersionBy` is given, records the new current version too. */
export async function updateTemplateRow(
  trx: Transaction<Database>,
  id: string,
  patch: TemplateRowUpdate,
  newVersionBy?: { createdBy: string | null },
): Promise<TemplateRow> {
  const row = await trx
    .updateTable('prompt_templates')
    .set({ ...patch, updated_at: sql<Date>`now()` as unknown as Date })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  if (newVersionBy) {
    await trx
      .insertInto('prompt_template_versions')
      .values({
        template_id: row.id,
        version: row.version,
        content: row.content,
        variables: JSON.stringify(row.variables),
        created_by: newVersionBy.createdBy,
        created_at: row.updated_at,
      })
      .execute();
  }
  return row;
}

/** Every version of each given template, newest first per template. */
export async function findVersionsByTemplateIds(db: Db, ids: readonly string[]): Promise<TemplateVersionRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('prompt_template_versions')
    .selectAll()
    .where('template_id', 'in', ids)
    .orderBy('template_id')
    .orderBy('version', 'desc')
    .execute();
}

/** One version of a template. */
export async function findTemplateVersion(db: Db, id: string, version: number): Promise<TemplateVersionRow | undefined> {
  return db
    .selectFrom('prompt_template_versions')
    .selectAll()
    .where('template_id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Records that a seed ran; false when it had already run (then nothing is written). */
export async function claimSeed(trx: Transaction<Database>, name: string): Promise<boolean> {
  const row = await trx
    .insertInto('service_seeds')
    .values({ name })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning('name')
    .executeTakeFirst();
  return row !== undefined;
}
