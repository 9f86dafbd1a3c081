import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  BREAK,
  getNamedType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isInputObjectType,
  Kind,
  typeFromAST,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type Source,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.ts';

const interpreted = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a document must run on the reference executor rather than compiled by graphql-jit. Compiled runs
 * only the plain, hot shape: one query or mutation, no fragments, variables of scalar or enum types without
 * defaults, none inside a literal, no @defer/@stream. Everything else is where graphql-jit is known to answer
 * differently from the reference executor:
 * - several operations: its compiled form is cached per document and would serve the first operation asked for
 *   to every later request naming another;
 * - a variable inside a list or object literal: dropped from custom scalar values (`variables: { task: $t }`);
 * - variable defaults, and input objects (whose fields may have defaults): defaults of non-null types are not
 *   applied, and a default for a custom scalar reaches the resolver unparsed (a DateTime as a string);
 * - fragments: their fields come back out of the selection's order;
 * - @defer/@stream (the reference executor streams them) and subscriptions (the schema has none).
 * Remembered per parsed document: yoga caches those.
 */
export function needsReferenceExecutor(document: DocumentNode, schema?: GraphQLSchema): boolean {
  let found = interpreted.get(document);
  if (found === undefined) {
    let operations = 0;
    found = false;
    const refuse = () => {
      found = true;
      return BREAK;
    };
    visit(document, {
      OperationDefinition(node) {
        operations += 1;
        return node.operation === 'subscription' || operations > 1 ? refuse() : undefined;
      },
      FragmentDefinition: refuse,
      FragmentSpread: refuse,
      InlineFragment: refuse,
      Directive(node) {
        return node.name.value === 'defer' || node.name.value === 'stream' ? refuse() : undefined;
      },
      VariableDefinition(node) {
        if (node.defaultValue) return refuse();
        const type = schema ? typeFromAST(schema, node.type) : undefined;
        // Unknown to the schema (validation refuses it anyway) or an input object: not compiled.
        return !schema || (type && !isInputObjectType(getNamedType(type))) ? undefined : refuse();
      },
      Variable(_node, _key, _parent, _path, ancestors) {
        const inLiteral = ancestors.some(
          (a) => !Array.isArray(a) && ((a as ASTNode).kind === Kind.OBJECT || (a as ASTNode).kind === Kind.LIST),
        );
        return inLiteral ? refuse() : undefined;
      },
    });
    interpreted.set(document, found);
  }
  return found;
}

/** The character offset of a 1-based line and column in `body`, counting line breaks as GraphQL does. */
function offsetOf(body: string, line: number, column: number): number {
  let offset = 0;
  const breaks = /\r\n|[\n\r]/g;
  for (let l = 1; l < line; l++) {
    const m = breaks.exec(body);
    if (!m) break;
    offset = m.index + m[0].length;
  }
  return offset + column - 1;
}

/**
 * graphql-jit's errors carry `locations` but no source positions, and yoga rebuilds every error from its
 * positions before sending it, so they would lose their locations: rebuilt here as GraphQL's own errors.
 */
function withPositions(result: ExecutionResult, source: Source | undefined): ExecutionResult {
  if (!result.errors?.length || !source) return result;
  const errors = result.errors.map((e) => {
    if (e.nodes || e.positions || !e.locations?.length) return e;
    return new GraphQLError(e.message, {
      source,
      positions: e.locations.map((l) => offsetOf(source.body, l.line, l.column)),
      path: e.path,
      originalError: e.originalError ?? undefined,
      extensions: e.extensions,
    });
  });
  return { ...result, errors };
}

/**
 * Queries and mutations of the plain shape run compiled by graphql-jit (once per parsed document, then
 * reused); every other document, and a request whose variables do not coerce, runs on the reference executor,
 * so it is refused or answered exactly as always.
 */
export function useCompiledExecution(logger: Logger): Plugin {
  const compiled = new WeakSet<object>();
  const jit = useGraphQlJit(
    {},
    {
      enableIf: (args) => {
        if (needsReferenceExecutor(args.document, args.schema)) return false;
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return false;
        if (operation.variableDefinitions?.length) {
          const coerced = getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {});
          if (coerced.errors) return false;
        }
        compiled.add(args.contextValue as object);
        return true;
      },
      // A document graphql-jit cannot compile answers with the compiler's errors; say so in the log.
      onError: (result) => logger.warn({ errors: result.errors?.map((e) => e.message) }, 'graphql-jit could not compile a document'),
    },
  ) as Plugin;
  return {
    ...jit,
    onExecute(payload) {
      // enableIf is synchronous, so the compiled plugin has decided when this returns.
      jit.onExecute!(payload as never);
      const { args } = payload;
      return {
        onExecuteDone({ result, setResult }: { result: unknown; setResult: (r: ExecutionResult) => void }) {
          if (!compiled.has(args.contextValue as object) || !result || Symbol.asyncIterator in (result as object)) return;
          setResult(withPositions(result as ExecutionResult, args.document.loc?.source));
        },
      };
    },
  } as Plugin;
}
