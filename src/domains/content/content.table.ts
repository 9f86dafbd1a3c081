import type { ColumnType, Selectable } from 'kysely';

export interface GeneratedContentsTable {
  id: ColumnType<string, string | undefined, never>;
  template_id: string;
  ai_model: string | null;
  input_variables: ColumnType<unknown, string, never>;
  content: string;
  tokens_used: number | null;
  response_time_ms: number | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type GeneratedContentRow = Selectable<GeneratedContentsTable>;
