import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/** The label of a statement whose shape first appeared while stacks were not being captured. */
export const UNATTRIBUTED = 'unattributed';

/**
 * Names the function that issued each statement (the repository function, by the house rule that all SQL
 * lives in `*.repository.ts`) without paying for a stack trace on the hot path.
 *
 * Kysely runs plugins' `transformQuery` synchronously inside the builder's `execute()`, so the issuing
 * function is on the stack there, but the SQL is not known yet; the log hook knows the SQL but runs after an
 * await, with the caller gone. So: while warming up, `transformQuery` captures a stack (structured, not
 * formatted: a few µs), and the log hook formats it only the first time a statement shape is seen, then
 * answers from a Map keyed by the normalised SQL. Once `warmAfter` statements in a row had known shapes,
 * capturing stops altogether. A shape first seen after that is counted as `unattributed` once, which turns
 * capturing back on, so its next execution is named.
 */
export class StatementCallerPlugin implements KyselyPlugin {
  readonly #captured = new WeakMap<QueryId, { stack?: string }>();
  readonly #names = new Map<string, string>();
  readonly #maxNames: number;
  readonly #warmAfter: number;
  #capturing = true;
  #knownInARow = 0;

  constructor(options: { maxNames?: number; warmAfter?: number } = {}) {
    this.#maxNames = options.maxNames ?? 2_000;
    this.#warmAfter = options.warmAfter ?? 1_000;
  }

  /** Whether stacks are being captured right now (false once warmed up). */
  get capturing(): boolean {
    return this.#capturing;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.#capturing) {
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder, this.transformQuery);
      this.#captured.set(args.queryId, holder);
    }
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }

  /** The issuing function's name for a compiled statement whose normalised text is `shape`. */
  callerOf(query: CompiledQuery, shape: string): string {
    const known = this.#names.get(shape);
    if (known !== undefined) {
      if (this.#capturing && ++this.#knownInARow >= this.#warmAfter) this.#capturing = false;
      return known;
    }
    this.#knownInARow = 0;
    const stack = this.#captured.get(query.queryId)?.stack;
    if (!stack) {
      this.#capturing = true;
      return UNATTRIBUTED;
    }
    const name = callerFromStack(stack);
    if (this.#names.size >= this.#maxNames) this.#names.clear();
    this.#names.set(shape, name);
    return name;
  }
}

const FRAME = /^\s*at (?:async )?(?:(.+?) \()?(.+?):(\d+):\d+\)?$/;

/**
 * The first repository frame of a formatted stack; failing that, the first frame of our own code outside
 * src/db; failing that `unknown`. Function names lose any `Object.`/`async ` prefix.
 */
export function callerFromStack(stack: string): string {
  let fallback: string | undefined;
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const fn = m[1]?.replace(/^(?:async |Object\.|Module\.)/, '');
    const file = m[2] ?? '';
    if (file.includes('node_modules') || file.startsWith('node:') || /[\\/]src[\\/]db[\\/]/.test(file)) continue;
    const base = file.replace(/^.*[\\/]/, '');
    const label = fn && fn !== '<anonymous>' ? fn : `${base}:${m[3]}`;
    if (/\.repository\.[cm]?[jt]s$/.test(base)) return label;
    fallback ??= label;
  }
  return fallback ?? 'unknown';
}
