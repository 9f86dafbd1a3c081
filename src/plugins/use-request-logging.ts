import { randomUUID } from 'node:crypto';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.ts';
import { errorCode } from '../observability/metrics.ts';
import type { RequestStats } from '../observability/request-stats.ts';
import { acceptRequestId, currentRequest, operationOf, runInRequest, type RequestState } from '../observability/request-context.ts';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface RequestLoggingOptions {
  logger: Logger;
  /** Where finished GraphQL requests are counted for performanceStats. */
  stats: RequestStats;
  /** Only requests to this path are counted and logged as GraphQL requests. */
  graphqlEndpoint: string;
}

/** One request's state; its child logger is made on first use (most requests log nothing below the level). */
class RequestRecord implements RequestState {
  readonly id: string;
  readonly startedAt = performance.now();
  statements = 0;
  operationName: string | undefined = undefined;
  operationType: string | undefined = undefined;
  errorCodes: string[] = [];
  readonly #parent: Logger;
  #logger: Logger | undefined = undefined;

  constructor(id: string, parent: Logger) {
    this.id = id;
    this.#parent = parent;
  }

  get logger(): Logger {
    return (this.#logger ??= this.#parent.child({ reqId: this.id }));
  }
}

/**
 * The path of an absolute request URL. The one the service expects most, `plain`, is recognised without parsing
 * the URL (`http://host/graphql`, with or without a query); any other is parsed, percent-encoding and dot segments
 * included.
 */
export function pathOf(url: string, plain: string): string {
  const slash = url.indexOf('/', url.indexOf('//') + 2);
  if (slash > 0 && url.startsWith(plain, slash)) {
    const end = slash + plain.length;
    if (end === url.length || url.charCodeAt(end) === 63 /* ? */) return plain;
  }
  return new URL(url).pathname;
}

/**
 * Gives every request an id (a sane incoming `x-request-id`, else a fresh UUID), returns it in the
 * `x-request-id` response header, runs the request in its own async context (so statements are counted
 * against it and logs carry `reqId`), and logs each GraphQL request when it ends — warn when slow.
 * Logged: method, path, status, duration, operation name/type, statement count, error codes. Never the
 * query string, the document, variables or headers.
 */
export function useRequestLogging(options: RequestLoggingOptions): Plugin {
  const { logger, stats, graphqlEndpoint } = options;
  const states = new WeakMap<Request, RequestState>();
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const id = acceptRequestId(request.headers.get(REQUEST_ID_HEADER)) ?? randomUUID();
        const state = new RequestRecord(id, logger);
        states.set(request, state);
        return runInRequest(state, wrapped);
      },
    },
    onExecute({ args }) {
      const state = currentRequest();
      if (!state) return;
      const op = operationOf(args.document, args.operationName);
      state.operationName = op.name;
      state.operationType = op.type;
    },
    onResultProcess({ result, request }) {
      const state = states.get(request) ?? currentRequest();
      if (!state) return;
      for (const r of Array.isArray(result) ? result : [result]) {
        const errors = (r as { errors?: readonly GraphQLError[] }).errors;
        if (!errors) continue;
        for (const e of errors) state.errorCodes.push(errorCode(e));
      }
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      response.headers.set(REQUEST_ID_HEADER, state.id);
      const path = pathOf(request.url, graphqlEndpoint);
      if (path !== graphqlEndpoint) return;
      // GraphiQL's HTML page is not a GraphQL request.
      if (request.method === 'GET' && (response.headers.get('content-type') ?? '').startsWith('text/html')) return;
      const durationMs = performance.now() - state.startedAt;
      const failed = response.status >= 500 || state.errorCodes.length > 0;
      const slow = stats.record({ durationMs, failed, statements: state.statements });
      if (!slow && !logger.isLevelEnabled('info')) return;
      const entry = {
        method: request.method,
        path,
        status: response.status,
        durationMs: Math.round(durationMs * 10) / 10,
        operationName: state.operationName,
        operationType: state.operationType,
        statements: state.statements,
        ...(state.errorCodes.length ? { errorCodes: [...new Set(state.errorCodes)] } : {}),
      };
      if (slow) state.logger.warn(entry, 'slow request');
      else state.logger.info(entry, 'request');
    },
  };
}
