import { AsyncLocalStorage } from 'node:async_hooks';
import { getOperationAST, type DocumentNode } from 'graphql';
import type { Logger } from '../logger.ts';

/** What the service knows about the request being handled; read anywhere below it through `currentRequest()`. */
export interface RequestState {
  readonly id: string;
  readonly startedAt: number;
  /** A child logger carrying `reqId`. */
  readonly logger: Logger;
  /** SQL statements executed on behalf of this request so far. */
  statements: number;
  operationName: string | undefined;
  operationType: string | undefined;
  /** `extensions.code` of each error in the result (`INTERNAL_SERVER_ERROR` for masked ones). */
  errorCodes: string[];
}

/**
 * The operation a request runs, as the logs and the metrics name it: the requested operation name, else the
 * operation's own, else `Anonymous`; its type is unknown when the document holds no such operation.
 */
export function operationOf(document: DocumentNode, operationName: string | null | undefined): { name: string; type: string | undefined } {
  const op = getOperationAST(document, operationName);
  return { name: operationName || op?.name?.value || 'Anonymous', type: op?.operation };
}

const storage = new AsyncLocalStorage<RequestState>();

/** Runs `fn` with `state` as the current request for everything it awaits. */
export function runInRequest<T>(state: RequestState, fn: () => T): T {
  return storage.run(state, fn);
}

/** The request whose async context the caller runs in, if any. */
export function currentRequest(): RequestState | undefined {
  return storage.getStore();
}

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** An incoming `x-request-id` when it is short and plain, otherwise undefined (so a fresh one is made). */
export function acceptRequestId(header: string | null): string | undefined {
  return header && SANE_REQUEST_ID.test(header) ? header : undefined;
}
