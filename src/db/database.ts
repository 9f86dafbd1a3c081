import type { ColumnType } from 'kysely';
import type { GeneratedContentsTable } from '../domains/content/content.table.ts';
import type { ConversationMemoriesTable } from '../domains/memory/memory.table.ts';
import type { ApiKeysTable } from '../domains/auth/api-keys.table.ts';
import type { IdempotencyKeysTable } from '../domains/idempotency/idempotency.table.ts';
import type { PromptTemplatesTable, PromptTemplateVersionsTable } from '../domains/templates/templates.table.ts';
import type {
  TemplateUsageDailyTable,
  TemplateUsageEventsTable,
  TemplateUsageModelTotalsTable,
  TemplateUsageTotalsTable,
} from '../domains/usage/usage.table.ts';

export interface ServiceSeedsTable {
  name: string;
  applied_at: ColumnType<Date, Date | undefined, never>;
}

/** Every table the service reads or writes, as Kysely sees them. */
export interface Database {
  prompt_templates: PromptTemplatesTable;
  prompt_template_versions: PromptTemplateVersionsTable;
  service_seeds: ServiceSeedsTable;
  template_usage_events: TemplateUsageEventsTable;
  template_usage_totals: TemplateUsageTotalsTable;
  template_usage_model_totals: TemplateUsageModelTotalsTable;
  template_usage_daily: TemplateUsageDailyTable;
  generated_contents: GeneratedContentsTable;
  conversation_memories: ConversationMemoriesTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
}
