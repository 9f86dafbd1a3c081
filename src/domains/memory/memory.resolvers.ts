import type { Resolvers } from '../../__generated__/resolvers-types.ts';
import { badInput } from '../../errors.ts';
import { decodeCursor, encodeCursor, pageSize } from '../../lib/cursor.ts';
import { deleteConversation, findConversationPage, findMemoryPage } from './memory.repository.ts';
import { appendMemories, MAX_ID_LENGTH } from './memory.service.ts';

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
      const edges = rows.slice(0, n).map((r) => ({
        cursor: encodeCursor(`conv:${sessionId}`, [r.last_activity_at.getTime(), r.conversation_id]),
        node: { conversationId: r.conversation_id, entryCount: r.entry_count, lastActivityAt: r.last_activity_at },
      }));
      return { edges, pageInfo: { hasNextPage: rows.length > n, endCursor: edges.at(-1)?.cursor ?? null } };
    },
  },
  Mutation: {
    appendMemory: async (_, { input }, ctx) => (await appendMemories(ctx.deps.db, ctx.deps.config, [input]))[0]!,
    appendMemories: (_, { inputs }, ctx) => appendMemories(ctx.deps.db, ctx.deps.config, inputs),
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
      const rows = n === 0 ? [] : await findMemoryPage(ctx.deps.db, { ...c, limit: n + 1, after: position });
      const edges = rows.slice(0, n).map((node) => ({ node, cursor: encodeCursor(kind, [node.created_at.getTime(), node.id]) }));
      return { edges, pageInfo: { hasNextPage: rows.length > n, endCursor: edges.at(-1)?.cursor ?? null } };
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
