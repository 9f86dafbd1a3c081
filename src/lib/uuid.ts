const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when the string is a UUID PostgreSQL will accept; other ids can match no row. */
export const isUuid = (s: string): boolean => UUID.test(s);

/**
 * Answers a DataLoader batch keyed by UUID: `load` sees each distinct valid id once, lower-cased, and must answer
 * in that order; every requested id then gets its answer, or `missing` when it is no UUID or was not answered.
 */
export async function loadByUuid<V>(
  ids: readonly string[],
  missing: V,
  load: (uuids: string[]) => Promise<ReadonlyArray<V | undefined>>,
): Promise<V[]> {
  const uuids = [...new Set(ids.filter(isUuid).map((id) => id.toLowerCase()))];
  const answers = uuids.length ? await load(uuids) : [];
  const byId = new Map(uuids.map((id, i) => [id, answers[i]]));
  return ids.map((id) => byId.get(id.toLowerCase()) ?? missing);
}
