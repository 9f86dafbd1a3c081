import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import type { Context } from '../../context.ts';
import { badInput } from '../../errors.ts';
import { connectionFromRows, decodeCursor, encodeCursor, pageSize } from '../../lib/cursor.ts';
import { deleteConversation, findConversationPage, findFirstMemoryPagesTogether, findMemoryPage } from './memory.repository.ts';
import { withIdempotency } from '../idempotency/idempotency.service.ts';
import { appendMemories, MAX_ID_LENGTH, type MemoryInput } from './memory.service.ts';

/** A conversation is addressed by its two ids; its entries load on demand. */
export interface ConversationSource {
  sessionId: string;
  conversationId: string;
}

function checkIds(...ids: string[]) {
  for (const id of ids) {
    if (id.length === 0 || id.length > MAX_ID_LENGTH) throw badInput(`ids must be 1 to ${MAX_ID_LENGTH} characters`);
  }
}

/** Appends entries; with an idempotency key, a retry returns the first result and writes nothing twice. */
function appendMemoriesOnce(ctx: Context, operation: string, inputs: readonly MemoryInput[], key: string | null | undefined) {
  if (key == null) return appendMemories(ctx.deps.db, ctx.deps.config, inputs);
  return withIdempotency(
    ctx.deps.db,
    // The stored input is the whole batch for appendMemories and the one entry for appendMemory.
    { scope: `${operation}:${ctx.apiKey?.id ?? 'anonymous'}`, key, input: operation === 'appendMemory' ? inputs[0] : inputs },
    (trx) => appendMemories(trx, ctx.deps.config, inputs),
  );
}

export const memoryResolvers: Resolvers = {
  Query: {
    conversation: (_, { sessionId, conversationId }) => {
      checkIds(sessionId, conversationId);
      return { sessionId, conversationId };
    },
    conversations: async (_, { sessionId, first, after }, ctx) => {
      checkIds(sessionId);
      const n = pageSize(first, ctx.deps.config.pagination);
      let position: { lastActivityAt: Date; conversationId: string } | undefined;
      if (after) {
        const [at, id] = decodeCursor(after, `conv:${sessionId}`, 2);
        position = { lastActivityAt: new Date(Number(at)), conversationId: String(id) };
      }
      const rows = n === 0 ? [] : await findConversationPage(ctx.deps.db, { sessionId, limit: n + 1, after: position });
      return connectionFromRows(
        rows,
        n,
        (r) => encodeCursor(`conv:${sessionId}`, [r.last_activity_at.getTime(), r.conversation_id]),
        (r) => ({ conversationId: r.conversation_id, entryCount: r.entry_count, lastActivityAt: r.last_activity_at }),
      );
    },
  },
  Mutation: {
    appendMemory: async (_, { input, idempotencyKey }, ctx) =>
      (await appendMemoriesOnce(ctx, 'appendMemory', [input], idempotencyKey))[0]!,
    appendMemories: (_, { inputs, idempotencyKey }, ctx) => appendMemoriesOnce(ctx, 'appendMemories', inputs, idempotencyKey),
    clearConversation: (_, { sessionId, conversationId }, ctx) => {
      checkIds(sessionId, conversationId);
      return deleteConversation(ctx.deps.db, sessionId, conversationId);
    },
  },
  Conversation: {
    entries: async (c, { first, after }, ctx) => {
      const n = pageSize(first, ctx.deps.config.pagination);
      const kind = 'mem';
      let position: { createdAt: Date; id: string } | undefined;
      if (after) {
        const [at, id] = decodeCursor(after, kind, 2);
        if (!/^\d{1,19}$/.test(String(id))) throw badInput('Invalid cursor', { argument: 'after' });
        position = { createdAt: new Date(Number(at)), id: String(id) };
      }
      // First pages, of every conversation resolved at this moment, share one statement; later pages run alone.
      const rows =
        n === 0
          ? []
          : position
            ? await findMemoryPage(ctx.deps.db, { ...c, limit: n + 1, after: position })
            : (await findFirstMemoryPagesTogether(ctx.deps.db, [{ ...c, limit: n + 1 }]))[0]!;
      return connectionFromRows(rows, n, (row) => encodeCursor(kind, [row.created_at.getTime(), row.id]));
    },
  },
  MemoryEntry: {
    id: (m) => String(m.id),
    sessionId: (m) => m.session_id,
    conversationId: (m) => m.conversation_id,
    createdAt: (m) => m.created_at,
    expiresAt: (m) => m.expires_at,
  },
};
