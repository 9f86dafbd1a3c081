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

/**
 * The data exceptions that mean a value cannot be stored as sent: a NUL or invalid byte in text (22021), a
 * `\u0000` escape in JSON (22P05), a string longer than its column (22001), a number out of its column's range
 * (22003). Other codes of class 22 (a division by zero, say) point at the service's own SQL, not at the input.
 */
const UNSTORABLE_VALUE = new Set(['22021', '22P05', '22001', '22003']);

/** The database's refusal of a value the client sent, if that is what is behind an error. */
export function unstorableValue(err: unknown): { code: string; message: string } | undefined {
  for (const e of causes(err)) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && UNSTORABLE_VALUE.has(code) && typeof message === 'string') return { code, message };
  }
  return undefined;
}

export const serviceUnavailable = () =>
  userError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly', {
    http: { status: 503, headers: { 'retry-after': '1' } },
  });
