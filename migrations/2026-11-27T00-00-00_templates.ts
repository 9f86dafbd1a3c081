import { sql, type Kysely } from 'kysely';

/** Prompt templates and their full version history. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('prompt_templates')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('name', 'varchar(100)', (c) => c.notNull().unique())
    .addColumn('description', 'text')
    .addColumn('category', 'varchar(50)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('variables', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_by', 'varchar(100)')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // One index per query path: filters, and each keyset order (with id as the tie-breaker).
  await db.schema.createIndex('prompt_templates_category_idx').on('prompt_templates').column('category').execute();
  await db.schema.createIndex('prompt_templates_created_by_idx').on('prompt_templates').column('created_by').execute();
  await db.schema
    .createIndex('prompt_templates_category_active_idx')
    .on('prompt_templates')
    .columns(['category', 'is_active'])
    .execute();
  await sql`CREATE INDEX prompt_templates_active_created_idx ON prompt_templates (created_at DESC, id DESC) WHERE is_active`.execute(db);
  await sql`CREATE INDEX prompt_templates_active_updated_idx ON prompt_templates (updated_at DESC, id DESC) WHERE is_active`.execute(db);
  await sql`CREATE INDEX prompt_templates_active_name_idx ON prompt_templates (name) WHERE is_active`.execute(db);
  await sql`CREATE INDEX prompt_templates_created_idx ON prompt_templates (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX prompt_templates_updated_idx ON prompt_templates (updated_at DESC, id DESC)`.execute(db);

  await db.schema
    .createTable('prompt_template_versions')
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('variables', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'varchar(100)')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('prompt_template_versions_pkey', ['template_id', 'version'])
    .execute();

  // Records each seed that has run, so built-in data is inserted once and never re-applied over user edits.
  await db.schema
    .createTable('service_seeds')
    .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
    .addColumn('applied_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('service_seeds').execute();
  await db.schema.dropTable('prompt_template_versions').execute();
  await db.schema.dropTable('prompt_templates').execute();
}
