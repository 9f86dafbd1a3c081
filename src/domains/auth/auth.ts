import { GraphQLError } from 'graphql';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/database.ts';
import { isDatabaseUnavailable, serviceUnavailable } from '../../db/unavailable.ts';
import { userError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { createApiKeyVerifier, hasScope, type ApiKeyVerifier, type AuthenticatedKey } from './api-keys.service.ts';
import type { Scope } from './api-keys.table.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';

/** Authentication for one server: key verification, the per-key rate limit, and what each request proved. */
export interface Auth {
  readonly mode: 'off' | 'required';
  readonly verifier: ApiKeyVerifier;
  readonly rateLimiter: RateLimiter;
  /**
   * Verifies the request's key and counts it against the rate limit; throws UNAUTHENTICATED or RATE_LIMITED.
   * Returns null when auth is off. Each call counts one operation.
   */
  authenticate(request: Request): Promise<AuthenticatedKey | null>;
  /** The key `authenticate` accepted for this request, if any. */
  keyFor(request: Request): AuthenticatedKey | null;
  close(): Promise<void>;
}

/** The key sent as `Authorization: Bearer <key>` or `x-api-key: <key>`; null when neither is present. */
export function presentedKey(headers: Headers): string | null {
  const auth = headers.get('authorization');
  if (auth) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    return m ? (m[1] as string) : auth.trim();
  }
  const key = headers.get('x-api-key');
  return key ? key.trim() : null;
}

export const unauthenticated = (message: string) =>
  userError('UNAUTHENTICATED', message, { http: { status: 401, headers: { 'www-authenticate': 'Bearer' } } });

export const forbidden = (needed: Scope, fields: readonly string[]) =>
  userError('FORBIDDEN', `This API key lacks the "${needed}" scope needed for ${fields.join(', ')}`, {
    requiredScope: needed,
    fields,
    http: { status: 403 },
  });

/**
 * Builds the auth of one server from config; the rate limiter uses Redis when REDIS_URL is set and keys are
 * required (it only ever counts requests that carry a key, so with AUTH_MODE=off it opens no connection).
 */
export function createAuth(config: Config, db: Kysely<Database>, logger: Logger): Auth {
  const verifier = createApiKeyVerifier(db, { ttlMs: config.auth.cacheTtlMs });
  const rateLimiter = createRateLimiter({
    max: config.auth.rateLimitMax,
    windowMs: config.auth.rateLimitWindowMs,
    redisUrl: config.auth.mode === 'required' ? config.redisUrl : undefined,
    prefix: config.auth.rateLimitPrefix,
    logger,
  });
  const accepted = new WeakMap<Request, AuthenticatedKey>();
  return {
    mode: config.auth.mode,
    verifier,
    rateLimiter,
    async authenticate(request) {
      if (config.auth.mode === 'off') return null;
      const plain = presentedKey(request.headers);
      if (!plain) throw unauthenticated('An API key is required: send "Authorization: Bearer <key>" or "x-api-key"');
      const key = await verifier.verify(plain);
      if (!key) throw unauthenticated('The API key is unknown or revoked');
      const decision = await rateLimiter.hit(key.id);
      if (!decision.allowed) {
        const seconds = Math.ceil(decision.retryAfterMs / 1000);
        throw userError(
          'RATE_LIMITED',
          `Rate limit of ${config.auth.rateLimitMax} operations per ${config.auth.rateLimitWindowMs} ms reached; retry after ${seconds} s (RATE_LIMIT_MAX = ${config.auth.rateLimitMax})`,
          {
            limit: 'RATE_LIMIT_MAX',
            max: config.auth.rateLimitMax,
            retryAfterMs: decision.retryAfterMs,
            http: { status: 429, headers: { 'retry-after': String(seconds) } },
          },
        );
      }
      accepted.set(request, key);
      return key;
    },
    keyFor(request) {
      return accepted.get(request) ?? null;
    },
    close() {
      return rateLimiter.close();
    },
  };
}

/**
 * Guards a plain HTTP route (such as `/metrics` or `/export/...`): returns null when the request may proceed,
 * otherwise the JSON error response to send (401, 403 or 429). Always allows when auth is off.
 */
export async function guardHttpRoute(auth: Auth, request: Request, scope: Scope): Promise<Response | null> {
  if (auth.mode === 'off') return null;
  let error: GraphQLError;
  try {
    const key = await auth.authenticate(request);
    if (!key || hasScope(key, scope)) return null;
    error = forbidden(scope, [new URL(request.url).pathname]);
  } catch (err) {
    if (isDatabaseUnavailable(err)) error = serviceUnavailable();
    else if (err instanceof GraphQLError) error = err;
    else throw err;
  }
  const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Record<string, string> } };
  return new Response(JSON.stringify({ errors: [{ message: error.message, extensions }] }), {
    status: http?.status ?? 403,
    headers: { 'content-type': 'application/json', ...(http?.headers ?? {}) },
  });
}
