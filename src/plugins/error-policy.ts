import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type MaskError } from 'graphql-yoga';
import { limitExceeded, userError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** Node socket errors that mean the database cannot be reached. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** SQLSTATEs for "cannot serve now": connection exceptions (class 08), shutdown, too many connections, cancelled by timeout. */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300|57014)$/;
/** Messages of errors the pg pool and client raise without a code. */
const PG_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Query read timeout',
  'Cannot use a pool after calling end',
];

function* causes(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  while (err && typeof err === 'object' && !seen.has(err)) {
    seen.add(err);
    yield err;
    const e = err as { originalError?: unknown; cause?: unknown };
    err = e.originalError ?? e.cause;
  }
}

/** True when the error (or one it wraps) means PostgreSQL is unreachable, shutting down, or timed out. */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (const e of causes(err)) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_CODES.has(code) || PG_UNAVAILABLE.test(code))) return true;
    if (typeof message === 'string' && PG_MESSAGES.some((m) => message.includes(m))) return true;
  }
  return false;
}

export const serviceUnavailable = () =>
  userError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
    http: { status: 503, headers: { 'retry-after': '1' } },
  });

/**
 * The one place errors are turned into what clients see: an unreachable database becomes SERVICE_UNAVAILABLE,
 * yoga's own request refusals name the setting that refused them, expected errors pass through, and everything
 * else is masked (with no stack or SQL unless NODE_ENV=development) and logged.
 */
export function createMaskError(opts: { logger: Logger; maxBodyBytes: number; maxBatch: number }): MaskError {
  return (error, message, isDev) => {
    if (isDatabaseUnavailable(error)) {
      opts.logger.warn({ err: error }, 'database unavailable');
      const e = serviceUnavailable();
      return error instanceof GraphQLError && error.path
        ? new GraphQLError(e.message, { path: error.path, extensions: e.extensions })
        : e;
    }
    if (error instanceof GraphQLError && !error.originalError) {
      if (error.extensions?.code === 'REQUEST_ENTITY_TOO_LARGE') {
        return limitExceeded('Request body too large', 'MAX_REQUEST_BODY_BYTES', opts.maxBodyBytes, { http: { status: 413 } });
      }
      if (error.message.startsWith('Batching is')) {
        return limitExceeded('Too many operations in one batched request', 'GRAPHQL_MAX_BATCH', opts.maxBatch, {
          http: { status: 413 },
        });
      }
      if (error.message.startsWith('Required CSRF header')) {
        return new GraphQLError(`${error.message}: send the "x-graphql-yoga-csrf" header or a JSON content type`, {
          extensions: { ...error.extensions, code: 'CSRF_HEADER_REQUIRED' },
        });
      }
      if (error.extensions?.code == null) {
        return new GraphQLError(error.message, {
          nodes: error.nodes,
          path: error.path,
          extensions: { ...error.extensions, code: 'BAD_REQUEST' },
        });
      }
    }
    const masked = yogaMaskError(error, message, isDev);
    if (masked !== error) opts.logger.error({ err: error }, 'unexpected error');
    return masked;
  };
}
