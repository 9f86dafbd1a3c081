import { handleMaybePromise } from 'promise-helpers-v2';

export * from 'promise-helpers-v2';

/** Removed in 2.0 (deprecated in 1.x); @envelop/core 5 and @graphql-tools/utils 11 still re-export it. */
export function mapMaybePromise(input, onSuccess, onError) {
  return handleMaybePromise(() => input, onSuccess, onError);
}
