import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isUuid, loadByUuid } from '../../lib/uuid.ts';
import { findGeneratedContentPages, findGeneratedContentsByIds, type ContentPageKey } from './content.repository.ts';
import type { GeneratedContentRow } from './content.table.ts';

export interface ContentLoaders {
  generatedContentById: DataLoader<string, GeneratedContentRow | null>;
  /** Rows of one page request (limit already includes the look-ahead row). */
  generatedContentPage: DataLoader<ContentPageKey, GeneratedContentRow[], string>;
}

/** Per-request loaders for generated content: every batch is one statement. */
export function createContentLoaders(db: Kysely<Database>): ContentLoaders {
  const generatedContentById = new DataLoader<string, GeneratedContentRow | null>((ids) =>
    loadByUuid(ids, null, async (uuids) => {
      const byId = new Map((await findGeneratedContentsByIds(db, uuids)).map((r) => [r.id, r]));
      return uuids.map((id) => byId.get(id));
    }),
  );
  const generatedContentPage = new DataLoader<ContentPageKey, GeneratedContentRow[], string>(
    async (keys) => {
      const valid = keys.map((k, i) => ({ k, i })).filter(({ k }) => isUuid(k.templateId));
      const rows = await findGeneratedContentPages(db, valid.map(({ k }) => k));
      const out: GeneratedContentRow[][] = keys.map(() => []);
      for (const { req, ...row } of rows) {
        const target = valid[req - 1];
        if (!target) continue;
        out[target.i]!.push(row);
        generatedContentById.prime(row.id, row);
      }
      return out;
    },
    {
      cacheKeyFn: (k) => `${k.templateId}|${k.limit}|${k.after ? `${k.after.createdAt.getTime()}|${k.after.id}` : ''}`,
    },
  );
  return { generatedContentById, generatedContentPage };
}
