import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { badInput } from '../../errors.ts';
import { insertMemoriesTogether, type NewMemory } from './memory.repository.ts';
import type { MemoryRole, MemoryRow } from './memory.table.ts';

export const MAX_ID_LENGTH = 200;

export interface MemoryInput {
  sessionId: string;
  conversationId: string;
  role: MemoryRole;
  content: string;
  metadata?: unknown;
  /** Absent: the configured default; null: never expires. */
  ttlSeconds?: number | null;
}

/** Every problem with one memory entry, as messages. */
export function memoryProblems(e: MemoryInput, limits: Config['memory']): string[] {
  const problems: string[] = [];
  for (const [field, value] of [['sessionId', e.sessionId], ['conversationId', e.conversationId]] as const) {
    if (value.length === 0 || value.length > MAX_ID_LENGTH) problems.push(`${field} must be 1 to ${MAX_ID_LENGTH} characters`);
  }
  const bytes = Buffer.byteLength(e.content, 'utf8');
  if (bytes > limits.maxContentBytes) problems.push(`content is ${bytes} bytes, more than the limit of ${limits.maxContentBytes}`);
  if (e.ttlSeconds != null && (e.ttlSeconds < 1 || e.ttlSeconds > limits.maxTtlSeconds)) {
    problems.push(`ttlSeconds must be between 1 and ${limits.maxTtlSeconds}, or null for no expiry`);
  }
  return problems;
}

/**
 * Validates every entry, then writes them all in one statement, shared with the other calls made at the same
 * moment outside a transaction: all of this call's entries or none.
 */
export async function appendMemories(
  db: Kysely<Database> | Transaction<Database>,
  config: Config,
  inputs: readonly MemoryInput[],
): Promise<MemoryRow[]> {
  if (inputs.length > config.memory.batchMax) {
    throw badInput(`At most ${config.memory.batchMax} entries may be appended at once, got ${inputs.length}`, {
      limit: config.memory.batchMax,
    });
  }
  const items = inputs.flatMap((e, index) => memoryProblems(e, config.memory).map((message) => ({ index, message })));
  if (items.length) {
    throw badInput(`Invalid memory entries: ${items.map((i) => `[${i.index}] ${i.message}`).join('; ')}`, { items });
  }
  const rows: NewMemory[] = inputs.map((e) => ({
    sessionId: e.sessionId,
    conversationId: e.conversationId,
    role: e.role,
    content: e.content,
    metadata: e.metadata,
    ttlSeconds: e.ttlSeconds === undefined ? config.memory.defaultTtlSeconds : e.ttlSeconds,
  }));
  return insertMemoriesTogether(db, rows);
}
