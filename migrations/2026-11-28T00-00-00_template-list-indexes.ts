import { sql, type Kysely } from 'kysely';

/**
 * Keyset pages of active templates filtered by category or by author, in the default order (newest first).
 * With only (created_at DESC, id DESC) WHERE is_active, PostgreSQL walks the newest templates and drops every
 * one of another category or author: a page of one author's templates read and discarded thousands of rows
 * once others had written newer ones.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX prompt_templates_active_category_created_idx ON prompt_templates (category, created_at DESC, id DESC) WHERE is_active`.execute(db);
  await sql`CREATE INDEX prompt_templates_active_author_created_idx ON prompt_templates (created_by, created_at DESC, id DESC) WHERE is_active`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX prompt_templates_active_author_created_idx`.execute(db);
  await sql`DROP INDEX prompt_templates_active_category_created_idx`.execute(db);
}
