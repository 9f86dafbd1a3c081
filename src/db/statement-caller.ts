import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

/**
 * Names the function that issued each statement (the repository function, by the house rule that all SQL
 * lives in `*.repository.ts`), without formatting a stack trace per statement.
 *
 * Kysely runs plugins' `transformQuery` synchronously inside the builder's `execute()`, so the issuing
 * function is on the stack there. Capturing a stack is cheap; *formatting* one (frames to text, through
 * source maps under tsx) is what costs. So every statement only captures, and the text is read only the
 * first time a statement shape is seen; after that the name comes from a Map keyed by the normalised SQL.
 */
export class StatementCallerPlugin implements KyselyPlugin {
  readonly #captured = new WeakMap<QueryId, { stack?: string }>();
  readonly #names = new Map<string, string>();
  readonly #maxNames: number;

  constructor(maxNames = 2_000) {
    this.#maxNames = maxNames;
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    const holder: { stack?: string } = {};
    Error.captureStackTrace(holder, this.transformQuery);
    this.#captured.set(args.queryId, holder);
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }

  /** The issuing function's name for a compiled statement whose normalised text is `shape`. */
  callerOf(query: CompiledQuery, shape: string): string {
    const known = this.#names.get(shape);
    if (known !== undefined) return known;
    const stack = this.#captured.get(query.queryId)?.stack;
    const name = stack ? callerFromStack(stack) : 'unknown';
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
