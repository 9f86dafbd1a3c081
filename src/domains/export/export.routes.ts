import type { Plugin } from 'graphql-yoga';
import type { AppDeps } from '../../context.ts';
import type { MemoryRow } from '../memory/memory.table.ts';
import type { TemplateRow } from '../templates/templates.table.ts';
import { streamSessionMemory, streamTemplates } from './export.repository.ts';

const encoder = new TextEncoder();

/**
 * Turns rows from a database cursor into an NDJSON body. Each pull reads at most one cursor batch, so memory
 * stays constant whatever the size of the export; a client that goes away closes the cursor.
 */
export function ndjsonStream<T>(rows: AsyncIterableIterator<T>, toJson: (row: T) => unknown, batch: number) {
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          let text = '';
          for (let i = 0; i < batch; i++) {
            const next = await rows.next();
            if (next.done) {
              if (text) controller.enqueue(encoder.encode(text));
              controller.close();
              return;
            }
            text += `${JSON.stringify(toJson(next.value))}\n`;
          }
          controller.enqueue(encoder.encode(text));
        } catch (err) {
          controller.error(err);
        }
      },
      async cancel() {
        await rows.return?.();
      },
    },
    { highWaterMark: 1 },
  );
}

export const templateExportJson = (t: TemplateRow) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  category: t.category,
  content: t.content,
  variables: t.variables,
  version: t.version,
  isActive: t.is_active,
  createdBy: t.created_by,
  createdAt: t.created_at,
  updatedAt: t.updated_at,
});

export const memoryExportJson = (m: MemoryRow) => ({
  id: String(m.id),
  sessionId: m.session_id,
  conversationId: m.conversation_id,
  role: m.role,
  content: m.content,
  metadata: m.metadata,
  createdAt: m.created_at,
  expiresAt: m.expires_at,
});

const NDJSON_HEADERS = { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' };

/** `GET /export/templates[?includeInactive=true]` and `GET /export/conversations/:sessionId`, as NDJSON streams. */
export function useExportRoutes(deps: AppDeps): Plugin {
  const batch = deps.config.exportBatchSize;
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith('/export/')) return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response('Method Not Allowed', { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      if (url.pathname === '/export/templates') {
        const includeInactive = url.searchParams.get('includeInactive') === 'true';
        const rows = streamTemplates(deps.db, { includeInactive, batchSize: batch });
        endResponse(new fetchAPI.Response(ndjsonStream(rows, templateExportJson, batch), { headers: NDJSON_HEADERS }));
        return;
      }
      const m = /^\/export\/conversations\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const sessionId = decodeURIComponent(m[1]!);
        const rows = streamSessionMemory(deps.db, sessionId, batch);
        endResponse(new fetchAPI.Response(ndjsonStream(rows, memoryExportJson, batch), { headers: NDJSON_HEADERS }));
        return;
      }
      endResponse(new fetchAPI.Response('Not Found', { status: 404 }));
    },
  };
}
