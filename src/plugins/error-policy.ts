import { GraphQLError } from 'graphql';
import { maskError as yogaMaskError, type MaskError, type Plugin } from 'graphql-yoga';
import { isDatabaseUnavailable, serviceUnavailable, unstorableValue } from '../db/unavailable.ts';
import { badInput, limitExceeded } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** The code of a request error GraphQL itself raised without one: a variable that does not coerce is the client's input. */
function uncodedErrorCode(error: GraphQLError): 'BAD_USER_INPUT' | 'BAD_REQUEST' {
  return error.message.startsWith('Variable "$') ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

/** `replacement`, reported at the field where `error` was raised (when it was raised at one). */
function atPathOf(error: unknown, replacement: GraphQLError): GraphQLError {
  return error instanceof GraphQLError && error.path
    ? new GraphQLError(replacement.message, { path: error.path, extensions: replacement.extensions })
    : replacement;
}

/**
 * The one place errors are turned into what clients see: an unreachable database becomes SERVICE_UNAVAILABLE,
 * a value the database cannot store as sent (see unstorableValue) BAD_USER_INPUT with the database's reason,
 * yoga's own request refusals name the setting that refused them, expected errors pass through, and everything
 * else is masked (with no stack or SQL unless NODE_ENV=development) and logged.
 */
export function createMaskError(opts: {
  /** The logger of the current request (its lines carry the request id). */
  logger: () => Logger;
  maxBodyBytes: number;
  maxBatch: number;
}): MaskError {
  return (error, message, isDev) => {
    if (isDatabaseUnavailable(error)) {
      opts.logger().warn({ err: error }, 'database unavailable');
      return atPathOf(error, serviceUnavailable());
    }
    const refused = unstorableValue(error);
    if (refused) return atPathOf(error, badInput(`The database refused a value: ${refused.message}`, { sqlstate: refused.code }));
    if (error instanceof GraphQLError && !error.originalError && error.path && error.extensions?.code == null) {
      // An uncoded error at a field with no cause attached: the executor's own complaint about a value a resolver
      // returned (null for a non-null field, an Int out of range, an invalid date). A server bug, masked and logged
      // whichever executor reported it (the compiled one attaches no original error).
      opts.logger().error({ err: error, path: error.path }, 'unexpected error');
      return yogaMaskError(
        new GraphQLError(error.message, { nodes: error.nodes, path: error.path, originalError: new Error(error.message) }),
        message,
        isDev,
      );
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
          extensions: { ...error.extensions, code: uncodedErrorCode(error) },
        });
      }
    }
    const masked = yogaMaskError(error, message, isDev);
    if (masked !== error) {
      const cause = (error as { originalError?: unknown }).originalError ?? error;
      opts.logger().error({ err: cause, path: (error as { path?: unknown }).path }, 'unexpected error');
    }
    return masked;
  };
}

/**
 * The last net: an error that reaches the client without `extensions.code` gets one. GraphQL's own variable
 * coercion errors ("Variable "$x" got invalid value ...") are returned by the executor unmasked and uncoded; they
 * become BAD_USER_INPUT, anything else BAD_REQUEST.
 */
export function useErrorCodes(): Plugin {
  return {
    onExecutionResult({ result }) {
      if (!result || Symbol.asyncIterator in result) return;
      for (const r of Array.isArray(result) ? result : [result]) {
        for (const error of (r as { errors?: readonly GraphQLError[] }).errors ?? []) {
          if (error.extensions?.code != null) continue;
          (error as { extensions: Record<string, unknown> }).extensions = { ...error.extensions, code: uncodedErrorCode(error) };
        }
      }
    },
  };
}
