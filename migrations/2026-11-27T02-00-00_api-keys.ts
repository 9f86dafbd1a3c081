import { sql, type Kysely } from 'kysely';

/** API keys (only a hash of each secret is stored) and the stored results of idempotent mutations. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    // The public part of the key, sent in front of the secret; used to find the row.
    .addColumn('prefix', 'varchar(32)', (c) => c.notNull().unique())
    // SHA-256 of the whole key: the secret is 256 random bits, so a slow hash adds nothing.
    .addColumn('secret_hash', 'bytea', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('scopes', sql`text[]`, (c) => c.notNull())
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', sql`timestamptz(3)`)
    .addColumn('revoked_at', sql`timestamptz(3)`)
    .addCheckConstraint('api_keys_scopes_check', sql`scopes <@ ARRAY['read','write','admin']::text[] AND cardinality(scopes) > 0`)
    .execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('scope', 'varchar(200)', (c) => c.notNull())
    .addColumn('key', 'varchar(200)', (c) => c.notNull())
    // A hash of the request the key was first used with; a reuse with other input is refused.
    .addColumn('fingerprint', 'varchar(64)')
    .addColumn('result', 'jsonb')
    .addColumn('created_at', sql`timestamptz(3)`, (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_keys_pkey', ['scope', 'key'])
    .execute();
  await db.schema.createIndex('idempotency_keys_created_idx').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotency_keys').execute();
  await db.schema.dropTable('api_keys').execute();
}
