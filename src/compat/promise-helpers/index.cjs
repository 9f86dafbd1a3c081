'use strict';
const helpers = require('promise-helpers-v2');
const { iterateAsync } = require('./iterate-async.cjs');

/** Removed in 2.0 (deprecated in 1.x); @envelop/core 5 and @graphql-tools/utils 11 still re-export it. */
function mapMaybePromise(input, onSuccess, onError) {
  return helpers.handleMaybePromise(() => input, onSuccess, onError);
}

module.exports = { ...helpers, mapMaybePromise, iterateAsync, iterateAsyncVoid: iterateAsync };
