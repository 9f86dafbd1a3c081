import { useGraphQlJit } from '@envelop/graphql-jit';
import { BREAK, getOperationAST, getVariableValues, Kind, visit, type ASTNode, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.ts';

const interpreted = new WeakMap<DocumentNode, boolean>();

/**
 * Whether a document must run on the reference executor rather than compiled by graphql-jit, for what the
 * compiler does not do as the reference does:
 * - more than one operation: its compiled form is cached per document and would serve the first operation
 *   asked for to every later request naming another;
 * - a variable inside a list or object literal: graphql-jit drops it from custom scalar values (a JSON argument
 *   such as `variables: { task: $t }`);
 * - `@defer`/`@stream` (the reference executor streams them) and subscriptions (the schema has none; the
 *   reference executor gives the proper error).
 * Remembered per parsed document: yoga caches those.
 */
export function needsReferenceExecutor(document: DocumentNode): boolean {
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
      Directive(node) {
        return node.name.value === 'defer' || node.name.value === 'stream' ? refuse() : undefined;
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

/**
 * Queries and mutations run compiled by graphql-jit (once per parsed document, then reused), except the
 * documents `needsReferenceExecutor` names and requests whose variables do not coerce: those run on the
 * reference executor, so a bad variable is refused exactly as always (400, BAD_USER_INPUT).
 */
export function useCompiledExecution(logger: Logger): Plugin {
  return useGraphQlJit(
    {},
    {
      enableIf: (args) => {
        if (needsReferenceExecutor(args.document)) return false;
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return false;
        if (operation.variableDefinitions?.length) {
          const coerced = getVariableValues(args.schema, operation.variableDefinitions, args.variableValues ?? {});
          if (coerced.errors) return false;
        }
        return true;
      },
      // A document graphql-jit cannot compile answers with the compiler's errors; say so in the log.
      onError: (result) => logger.warn({ errors: result.errors?.map((e) => e.message) }, 'graphql-jit could not compile a document'),
    },
  ) as Plugin;
}
