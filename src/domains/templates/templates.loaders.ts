import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import { isUuid } from '../../lib/uuid.ts';
import { findTemplatesByIds, findTemplatesByNames, findVersionsByTemplateIds } from './templates.repository.ts';
import type { TemplateRow, TemplateVersionRow } from './templates.table.ts';

export interface TemplateLoaders {
  templateById: DataLoader<string, TemplateRow | null>;
  templateByName: DataLoader<string, TemplateRow | null>;
  versionsByTemplateId: DataLoader<string, TemplateVersionRow[]>;
}

/** Per-request loaders: one statement per batch, results in key order. */
export function createTemplateLoaders(db: Kysely<Database>): TemplateLoaders {
  const templateById: DataLoader<string, TemplateRow | null> = new DataLoader(async (ids) => {
    const rows = await findTemplatesByIds(db, ids.filter(isUuid));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id.toLowerCase()) ?? null);
  });
  const templateByName: DataLoader<string, TemplateRow | null> = new DataLoader(async (names) => {
    const rows = await findTemplatesByNames(db, names);
    const byName = new Map(rows.map((r) => [r.name, r]));
    for (const r of rows) templateById.prime(r.id, r);
    return names.map((n) => byName.get(n) ?? null);
  });
  const versionsByTemplateId = new DataLoader<string, TemplateVersionRow[]>(async (ids) => {
    const rows = await findVersionsByTemplateIds(db, ids.filter(isUuid));
    const grouped = new Map<string, TemplateVersionRow[]>();
    for (const r of rows) {
      const list = grouped.get(r.template_id);
      if (list) list.push(r);
      else grouped.set(r.template_id, [r]);
    }
    return ids.map((id) => grouped.get(id.toLowerCase()) ?? []);
  });
  return { templateById, templateByName, versionsByTemplateId };
}
