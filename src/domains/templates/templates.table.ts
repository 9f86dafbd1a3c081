import type { ColumnType, Insertable, Selectable, Updateable } from 'kysely';

/** A declared template variable, as stored in the `variables` jsonb column. */
export interface TemplateVariable {
  name: string;
  description?: string | null;
  required: boolean;
  defaultValue?: unknown;
}

export interface PromptTemplatesTable {
  id: ColumnType<string, string | undefined, never>;
  name: string;
  description: string | null;
  category: string;
  content: string;
  variables: ColumnType<TemplateVariable[], string, string>;
  version: ColumnType<number, number | undefined, number>;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

export interface PromptTemplateVersionsTable {
  template_id: string;
  version: number;
  content: string;
  variables: ColumnType<TemplateVariable[], string, never>;
  created_by: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
}

export type TemplateRow = Selectable<PromptTemplatesTable>;
export type NewTemplateRow = Insertable<PromptTemplatesTable>;
export type TemplateRowUpdate = Updateable<PromptTemplatesTable>;
export type TemplateVersionRow = Selectable<PromptTemplateVersionsTable>;
export type NewTemplateVersionRow = Insertable<PromptTemplateVersionsTable>;
