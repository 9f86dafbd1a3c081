import { userError } from '../errors.ts';

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
