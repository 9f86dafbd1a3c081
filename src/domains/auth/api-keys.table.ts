import type { ColumnType, Insertable, Selectable } from 'kysely';

export const SCOPES = ['read', 'write', 'admin'] as const;
/** `read` for queries, `write` for mutations, `admin` for operational data; `admin` grants every scope. */
export type Scope = (typeof SCOPES)[number];

export interface ApiKeysTable {
  id: ColumnType<string, string | undefined, never>;
  prefix: string;
  secret_hash: Buffer;
  name: string;
  scopes: ColumnType<Scope[], Scope[], never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  last_used_at: ColumnType<Date | null, never, Date>;
  revoked_at: ColumnType<Date | null, never, Date>;
}

export type ApiKeyRow = Selectable<ApiKeysTable>;
export type NewApiKeyRow = Insertable<ApiKeysTable>;
