import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded the first time the returned function is called, synchronously (through its CommonJS entry
 * point), instead of when the importing module is. For packages only some configurations use: a module that
 * is loaded stays in the heap for the life of the process, its source text included.
 */
export function requireOnUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
