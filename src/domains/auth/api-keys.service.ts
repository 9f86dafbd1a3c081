import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import type { Database } from '../../db/database.ts';
import { badInput } from '../../errors.ts';
import { isUuid } from '../../lib/uuid.ts';
import * as repo from './api-keys.repository.ts';
import { SCOPES, type ApiKeyRow, type Scope } from './api-keys.table.ts';

/** `ptk_<12 hex public prefix>_<43 base64url characters: 256 random bits>` */
const KEY_PATTERN = /^ptk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;
const DUMMY_HASH = createHash('sha256').update('no such key').digest();

/** The caller behind a verified key. */
export interface AuthenticatedKey {
  readonly id: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}

/** True when the key's scopes allow `needed`; `admin` allows everything. */
export function hasScope(key: Pick<AuthenticatedKey, 'scopes'>, needed: Scope): boolean {
  return key.scopes.includes('admin') || key.scopes.includes(needed);
}

function hashKey(plain: string): Buffer {
  return createHash('sha256').update(plain, 'utf8').digest();
}

/** Parses a comma-separated scope list such as `read,write`; throws BAD_USER_INPUT naming any unknown scope. */
export function parseScopes(list: string): Scope[] {
  const scopes = [...new Set(list.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length || !scopes.length) {
    throw badInput(`scopes must be a non-empty list of ${SCOPES.join(', ')}; got "${list}"`);
  }
  return scopes as Scope[];
}

/** Creates a key; the plain key is returned here once and never stored. */
export async function createApiKey(
  db: Kysely<Database>,
  input: { name: string; scopes: readonly Scope[] },
): Promise<{ key: string; row: ApiKeyRow }> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw badInput('name must be 1 to 100 characters');
  const prefix = randomBytes(6).toString('hex');
  const key = `ptk_${prefix}_${randomBytes(32).toString('base64url')}`;
  const row = await repo.insertApiKey(db, { prefix, secret_hash: hashKey(key), name, scopes: [...input.scopes] });
  return { key, row };
}

/** Revokes a key by id; throws BAD_USER_INPUT when there is no such key. */
export async function revokeApiKey(db: Kysely<Database>, id: string): Promise<ApiKeyRow> {
  const row = isUuid(id) ? await repo.revokeApiKeyById(db, id) : undefined;
  if (!row) throw badInput(`No API key with id "${id}"`);
  return row;
}

export interface ApiKeyVerifier {
  /** The key's owner and scopes, or null when the key is malformed, unknown or revoked. */
  verify(plain: string): Promise<AuthenticatedKey | null>;
}

/**
 * Verifies presented keys against the database, remembering each answer (found or not) for `ttlMs` in-process:
 * a revocation takes effect on every instance within `ttlMs`. The stored hash is compared in constant time on
 * every call, cached or not. `last_used_at` is refreshed each time the row is read, so it is accurate to `ttlMs`.
 */
export function createApiKeyVerifier(
  db: Kysely<Database>,
  opts: { ttlMs: number; /** The cache's clock (tests); `performance` by default. */ clock?: { now(): number } },
): ApiKeyVerifier {
  const cache =
    opts.ttlMs > 0
      ? new LRUCache<string, { row: ApiKeyRow | null }>({
          max: 10_000,
          ttl: opts.ttlMs,
          ...(opts.clock ? { perf: opts.clock, ttlResolution: 0 } : {}),
        })
      : null;
  const inFlight = new Map<string, Promise<ApiKeyRow | null>>();

  async function lookup(prefix: string): Promise<ApiKeyRow | null> {
    const hit = cache?.get(prefix);
    if (hit) return hit.row;
    let pending = inFlight.get(prefix);
    if (!pending) {
      pending = (async () => {
        const found = await repo.findApiKeyByPrefix(db, prefix);
        const row = found && !found.revoked_at ? found : null;
        cache?.set(prefix, { row });
        return row;
      })().finally(() => inFlight.delete(prefix));
      inFlight.set(prefix, pending);
      const row = await pending;
      if (row) repo.touchApiKey(db, row.id).catch(() => {});
      return row;
    }
    return pending;
  }

  return {
    async verify(plain) {
      const m = KEY_PATTERN.exec(plain);
      if (!m) return null;
      const row = await lookup(m[1] as string);
      const ok = timingSafeEqual(hashKey(plain), row ? row.secret_hash : DUMMY_HASH);
      return ok && row ? { id: row.id, name: row.name, scopes: row.scopes } : null;
    },
  };
}
