import type { ColumnType, Selectable } from 'kysely';

export type MemoryRole = 'USER' | 'ASSISTANT' | 'SYSTEM' | 'TOOL';

export interface ConversationMemoriesTable {
  id: ColumnType<number, never, never>;
  session_id: string;
  conversation_id: string;
  role: MemoryRole;
  content: string;
  metadata: ColumnType<unknown, string | null, never>;
  created_at: ColumnType<Date, Date | undefined, never>;
  expires_at: ColumnType<Date | null, Date | null | undefined, never>;
}

export type MemoryRow = Selectable<ConversationMemoriesTable>;
