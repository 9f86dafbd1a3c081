'use strict';
// The addon node-gyp built at install; requiring this throws when it was not built (no compiler, say).
module.exports = require('./build/Release/malloc_trim.node');
