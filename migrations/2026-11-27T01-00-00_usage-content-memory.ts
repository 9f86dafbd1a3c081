import { sql, type Kysely } from 'kysely';

/**
 * Usage events with rollups kept in the same statement as each event (per template, per template and model,
 * per UTC day and model), generated content, and conversation memory with expiry.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('template_usage_events')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('ai_model', 'varchar(100)')
    .addColumn('success', 'boolean', (c) => c.notNull())
    .addColumn('response_time_ms', 'integer')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX template_usage_events_template_created_idx ON template_usage_events (template_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX template_usage_events_created_idx ON template_usage_events (created_at)`.execute(db);

  await db.schema
    .createTable('template_usage_totals')
    .addColumn('template_id', 'uuid', (c) => c.primaryKey().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('success_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', sql`timestamptz(3)`)
    .execute();
  await sql`CREATE INDEX template_usage_totals_count_idx ON template_usage_totals (count DESC, template_id)`.execute(db);

  // ai_model '' stands for "no model given", so the rollup keys never contain NULL.
  await db.schema
    .createTable('template_usage_model_totals')
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('ai_model', 'varchar(100)', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('success_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', sql`timestamptz(3)`)
    .addPrimaryKeyConstraint('template_usage_model_totals_pkey', ['template_id', 'ai_model'])
    .execute();

  await db.schema
    .createTable('template_usage_daily')
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('day', 'date', (c) => c.notNull())
    .addColumn('ai_model', 'varchar(100)', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('success_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_sum', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('response_time_count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('last_used_at', sql`timestamptz(3)`)
    .addPrimaryKeyConstraint('template_usage_daily_pkey', ['template_id', 'day', 'ai_model'])
    .execute();
  await sql`CREATE INDEX template_usage_daily_day_idx ON template_usage_daily (day, template_id)`.execute(db);

  await db.schema
    .createTable('generated_contents')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('template_id', 'uuid', (c) => c.notNull().references('prompt_templates.id').onDelete('cascade'))
    .addColumn('ai_model', 'varchar(100)')
    .addColumn('input_variables', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('tokens_used', 'integer')
    .addColumn('response_time_ms', 'integer')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`CREATE INDEX generated_contents_template_created_idx ON generated_contents (template_id, created_at DESC, id DESC)`.execute(db);

  await db.schema
    .createTable('conversation_memories')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('session_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('conversation_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('role', 'varchar(16)', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('metadata', 'jsonb')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', sql`timestamptz(3)`)
    .execute();
  await sql`CREATE INDEX conversation_memories_conversation_idx ON conversation_memories (session_id, conversation_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX conversation_memories_expires_idx ON conversation_memories (expires_at) WHERE expires_at IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'conversation_memories',
    'generated_contents',
    'template_usage_daily',
    'template_usage_model_totals',
    'template_usage_totals',
    'template_usage_events',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
