'use strict';
const { fakePromise, isPromise, unfakePromise } = require('promise-helpers-v2');

/**
 * iterateAsync of @whatwg-node/promise-helpers 2, the same in what it does, without its three closures per item.
 *
 * It calls `callback(value, endEarly, index)` for each value in turn, each call after the previous one's result
 * (awaited when it is a promise), keeps the truthy results in `results`, and stops after a call that called its
 * `endEarly`; it answers synchronously (undefined) while the callbacks do, and with a promise from the first that
 * does not. Version 2 makes a new `iterate` for each call and new `handleCallback` and `handleCallbackResult` for
 * each item: graphql-yoga, its HTTP adapter and envelop run every hook of every request through it, and V8 keeps a
 * function's optimised code only while one of its closures lives, so after each full collection those three were
 * compiled anew (Maglev, then TurboFan) for the next requests. Here the loop runs in functions made once; what an
 * item still gets anew is its `endEarly` (as in version 2; seldom called, so never optimised), and a closure to go
 * on after a promise when its callback answers with one.
 */
function iterateAsync(iterable, callback, results) {
  if (iterable?.length === 0) {
    return;
  }
  return iterateFrom(iterable[Symbol.iterator](), callback, results, 0);
}

function iterateFrom(iterator, callback, results, index) {
  for (;;) {
    const { done, value } = iterator.next();
    if (done) {
      return;
    }
    const stop = new EndEarly();
    const result = callback(value, stop.endEarly, index++);
    if (isPromise(result)) {
      return unfakePromise(
        fakePromise(result).then((settled) => {
          if (settled) results?.push(settled);
          return stop.ended ? undefined : iterateFrom(iterator, callback, results, index);
        }),
      );
    }
    if (result) results?.push(result);
    if (stop.ended) {
      return;
    }
  }
}

/** One item's `endEarly`: it stops the iteration after that item, and only if called before its result is in. */
class EndEarly {
  constructor() {
    this.ended = false;
    this.endEarly = () => {
      this.ended = true;
    };
  }
}

exports.iterateAsync = iterateAsync;
