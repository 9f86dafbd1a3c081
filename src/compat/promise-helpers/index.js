import { handleMaybePromise } from 'promise-helpers-v2';

export * from 'promise-helpers-v2';
// Version 2's iterateAsync without its closures per item (iterate-async.cjs says why); these replace its exports.
export { iterateAsync, iterateAsync as iterateAsyncVoid } from './iterate-async.cjs';

/** Removed in 2.0 (deprecated in 1.x); @envelop/core 5 and @graphql-tools/utils 11 still re-export it. */
export function mapMaybePromise(input, onSuccess, onError) {
  return handleMaybePromise(() => input, onSuccess, onError);
}
