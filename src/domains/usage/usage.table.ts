import type { ColumnType, Selectable } from 'kysely';

export interface TemplateUsageEventsTable {
  id: ColumnType<string, never, never>;
  template_id: string;
  ai_model: string | null;
  success: boolean;
  response_time_ms: number | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Shared shape of the rollup tables: running sums, so reads never count events. */
interface RollupColumns {
  count: number;
  success_count: number;
  response_time_sum: number;
  response_time_count: number;
  last_used_at: Date | null;
}

export interface TemplateUsageTotalsTable extends RollupColumns {
  template_id: string;
}

export interface TemplateUsageModelTotalsTable extends RollupColumns {
  template_id: string;
  /** '' when the event named no model. */
  ai_model: string;
}

export interface TemplateUsageDailyTable extends RollupColumns {
  template_id: string;
  day: ColumnType<string, string, string>;
  ai_model: string;
}

export type UsageEventRow = Selectable<TemplateUsageEventsTable>;
