import type { ColumnType, Selectable } from 'kysely';

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  fingerprint: string | null;
  result: ColumnType<unknown, string | null, string>;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type IdempotencyRecord = Selectable<IdempotencyKeysTable>;
