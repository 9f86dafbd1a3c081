import type { ColumnType } from 'kysely';
import type { ApiKeysTable } from '../domains/auth/api-keys.table.ts';
import type { IdempotencyKeysTable } from '../domains/idempotency/idempotency.table.ts';
import type { PromptTemplatesTable, PromptTemplateVersionsTable } from '../domains/templates/templates.table.ts';

export interface ServiceSeedsTable {
  name: string;
  applied_at: ColumnType<Date, Date | undefined, never>;
}

/** Every table the service reads or writes, as Kysely sees them. */
export interface Database {
  prompt_templates: PromptTemplatesTable;
  prompt_template_versions: PromptTemplateVersionsTable;
  service_seeds: ServiceSeedsTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
}
