import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';

/** sha256 (hex) of a document's text: the id a client sends for it. */
export const documentHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Loads the registered operations: a directory of `*.graphql` files (each registered under the sha256 of its
 * text), or a JSON manifest `{ "<hash>": "<document>" }` such as GraphQL Codegen's persisted-documents output.
 */
export function loadTrustedDocuments(location: string): Map<string, string> {
  const out = new Map<string, string>();
  if (statSync(location).isDirectory()) {
    for (const file of readdirSync(location).filter((f) => f.endsWith('.graphql')).sort()) {
      const text = readFileSync(path.join(location, file), 'utf8');
      out.set(documentHash(text), text);
    }
  } else {
    const manifest = JSON.parse(readFileSync(location, 'utf8')) as Record<string, unknown>;
    for (const [hash, text] of Object.entries(manifest)) {
      if (typeof text !== 'string') throw new Error(`${location}: the entry "${hash}" is not a document string`);
      out.set(hash, text);
    }
  }
  return out;
}

/**
 * Trusted documents: only registered operations run. Clients send the hash as
 * `extensions.persistedQuery.sha256Hash` (the APQ format) or as `documentId`; any `query` text is refused.
 */
export function useTrustedDocuments(documents: ReadonlyMap<string, string>): Plugin {
  return usePersistedOperations({
    allowArbitraryOperations: false,
    extractPersistedOperationId(params) {
      const ext = params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined;
      const hash = ext?.persistedQuery?.sha256Hash ?? (params as { documentId?: unknown }).documentId;
      return typeof hash === 'string' ? hash : null;
    },
    getPersistedOperation: (hash) => documents.get(hash) ?? null,
    customErrors: {
      notFound: { message: 'Unknown operation: it is not among the trusted documents', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', http: { status: 400 } } },
      persistedQueryOnly: { message: 'Only trusted documents may run here (TRUSTED_DOCUMENTS = on)', extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } } },
      keyNotFound: { message: 'Send the operation hash as extensions.persistedQuery.sha256Hash or documentId', extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } } },
    },
  }) as Plugin;
}
