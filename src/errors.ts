import { GraphQLError } from 'graphql';

/** The `extensions.code` values this API uses for expected errors. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'SERVICE_UNAVAILABLE'
  | 'RATE_LIMITED'
  /** A request or query limit was exceeded; `extensions.limit` names the setting and `extensions.max` its value. */
  | 'LIMIT_EXCEEDED'
  /** `__schema` / `__type` asked for while GRAPHQL_INTROSPECTION is off. */
  | 'INTROSPECTION_DISABLED';

/** An expected error, shown to the client with its code and any extra extensions. */
export function userError(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const badInput = (message: string, extensions?: Record<string, unknown>) =>
  userError('BAD_USER_INPUT', message, extensions);
export const notFound = (message: string, extensions?: Record<string, unknown>) =>
  userError('NOT_FOUND', message, extensions);
export const conflict = (message: string, extensions?: Record<string, unknown>) =>
  userError('CONFLICT', message, extensions);

/** True for PostgreSQL's unique_violation. */
export function isUniqueViolation(err: unknown): err is { code: string; constraint?: string } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23505';
}

/** A refused request: names the setting that refused it and its value. */
export function limitExceeded(message: string, limit: string, max: number, extensions: Record<string, unknown> = {}) {
  return userError('LIMIT_EXCEEDED', `${message} (${limit} = ${max})`, { ...extensions, limit, max });
}
