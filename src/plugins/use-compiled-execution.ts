import { useGraphQlJit } from '@envelop/graphql-jit';
import {
  BREAK,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLBoolean,
  GraphQLError,
  GraphQLFloat,
  GraphQLID,
  GraphQLInt,
  GraphQLString,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  TypeInfo,
  typeFromAST,
  visit,
  visitWithTypeInfo,
  type DirectiveNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type VariableDefinitionNode,
  type VariableNode,
  type ExecutionResult,
  type GraphQLScalarType,
  type Source,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.ts';

/** What the compiled path needs to know of a document, found once per parsed document (yoga caches those). */
interface DocumentShape {
  /** Never compiled: see needsReferenceExecutor. */
  reference: boolean;
  /** Variables used inside an input object or list literal: compiled only when the request gives each one. */
  literalVariables: string[];
}

const shapes = new WeakMap<DocumentNode, DocumentShape>();

function shapeOf(document: DocumentNode, schema: GraphQLSchema): DocumentShape {
  let shape = shapes.get(document);
  if (shape) return shape;
  let operations = 0;
  let reference = false;
  const literalVariables = new Set<string>();
  const nullableVariables = new Set<string>();
  const refuse = () => {
    reference = true;
    return BREAK;
  };
  // The literals around the node being visited: true for one of an input object or list type, false for the
  // value of a scalar such as JSON. Pushed on enter, where TypeInfo knows the type; `void` keeps the visitor
  // functions returning undefined (any other value would replace the node).
  const literals: boolean[] = [];
  const typeInfo = new TypeInfo(schema);
  const visitor = {
    OperationDefinition(node: OperationDefinitionNode) {
      operations += 1;
      return node.operation === 'subscription' || operations > 1 ? refuse() : undefined;
    },
    FragmentDefinition: refuse,
    FragmentSpread: refuse,
    InlineFragment: refuse,
    Directive(node: DirectiveNode) {
      return node.name.value === 'defer' || node.name.value === 'stream' ? refuse() : undefined;
    },
    VariableDefinition(node: VariableDefinitionNode) {
      if (node.defaultValue) return refuse();
      if (node.type.kind !== Kind.NON_NULL_TYPE) nullableVariables.add(node.variable.name.value);
      const type = typeFromAST(schema, node.type);
      // Unknown to the schema (validation refuses it anyway) or an input object: not compiled.
      return type && !isInputObjectType(getNamedType(type)) ? undefined : refuse();
    },
    ObjectValue: {
      enter: () => void literals.push(isInputObjectType(getNullableType(typeInfo.getInputType()))),
      leave: () => void literals.pop(),
    },
    ListValue: {
      // TypeInfo has already entered the list: its input type is the item's, the list's is the parent's.
      enter: () => void literals.push(isListType(getNullableType(typeInfo.getParentInputType()))),
      leave: () => void literals.pop(),
    },
    Variable(node: VariableNode) {
      if (literals.includes(false)) return refuse();
      if (literals.length === 0) return undefined;
      // A nullable variable where the literal needs a value (a non-null field with a default): the reference
      // executor refuses a null there, graphql-jit passes it on.
      if (isNonNullType(typeInfo.getInputType()) && nullableVariables.has(node.name.value)) return refuse();
      literalVariables.add(node.name.value);
      return undefined;
    },
  };
  visit(document, visitWithTypeInfo(typeInfo, visitor));
  shape = { reference, literalVariables: [...literalVariables] };
  shapes.set(document, shape);
  return shape;
}

/**
 * Whether a request must run on the reference executor rather than compiled by graphql-jit. Compiled runs
 * only the plain, hot shape: one query or mutation, no fragments, variables of scalar or enum types without
 * defaults, no @defer/@stream. Everything else is where graphql-jit is known to answer differently from the
 * reference executor:
 * - several operations: its compiled form is cached per document and would serve the first operation asked for
 *   to every later request naming another;
 * - a variable inside the literal of a custom scalar: dropped (`variables: { task: $t }` for a JSON argument);
 * - a variable inside an input object or list literal that the request leaves out: graphql-jit passes null
 *   where the field should be absent (or take its default), so such a request runs on the reference executor;
 *   given (null included), both answer alike; but a nullable variable in a non-null field (one with a default,
 *   which validation allows) is never compiled: graphql-jit would pass on the null the reference refuses;
 * - variable defaults, and input objects (whose fields may have defaults): defaults of non-null types are not
 *   applied, and a default for a custom scalar reaches the resolver unparsed (a DateTime as a string);
 * - fragments: their fields come back out of the selection's order;
 * - @defer/@stream (the reference executor streams them) and subscriptions (the schema has none).
 */
export function needsReferenceExecutor(
  document: DocumentNode,
  schema: GraphQLSchema,
  variables: Readonly<Record<string, unknown>> = {},
): boolean {
  const shape = shapeOf(document, schema);
  return shape.reference || shape.literalVariables.some((name) => !Object.hasOwn(variables, name));
}

/**
 * Values the specified scalars accept as variables, exactly as their `parseValue` does (graphql-js): a value
 * these pass is one getVariableValues would coerce without an error.
 */
const SPECIFIED_SCALAR_ACCEPTS = new Map<GraphQLScalarType, (value: unknown) => boolean>([
  [GraphQLString, (v) => typeof v === 'string'],
  [GraphQLID, (v) => typeof v === 'string' || Number.isInteger(v)],
  [GraphQLInt, (v) => Number.isInteger(v) && (v as number) <= 2_147_483_647 && (v as number) >= -2_147_483_648],
  [GraphQLFloat, (v) => typeof v === 'number' && Number.isFinite(v)],
  [GraphQLBoolean, (v) => typeof v === 'boolean'],
]);

interface SimpleVariable {
  name: string;
  nonNull: boolean;
  accepts: (value: unknown) => boolean;
}

/** Per operation: its variables when every one is of a specified scalar type (nullable or not), else null. */
const simpleVariables = new WeakMap<OperationDefinitionNode, SimpleVariable[] | null>();

function simpleVariablesOf(operation: OperationDefinitionNode, schema: GraphQLSchema): SimpleVariable[] | null {
  let simple = simpleVariables.get(operation);
  if (simple !== undefined) return simple;
  simple = [];
  for (const def of operation.variableDefinitions ?? []) {
    const type = typeFromAST(schema, def.type);
    const accepts = type && SPECIFIED_SCALAR_ACCEPTS.get(getNullableType(type) as GraphQLScalarType);
    if (!accepts || def.defaultValue) {
      simple = null;
      break;
    }
    simple.push({ name: def.variable.name.value, nonNull: isNonNullType(type), accepts });
  }
  simpleVariables.set(operation, simple);
  return simple;
}

/**
 * Whether the request's variables coerce for `operation`. Variables of the specified scalars (the hot
 * shape) are checked in place; any other operation is asked of getVariableValues, as is one whose values the
 * quick check does not pass, so every refusal is graphql-js's own.
 */
export function variablesCoerce(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Readonly<Record<string, unknown>>,
): boolean {
  if (!operation.variableDefinitions?.length) return true;
  const simple = simpleVariablesOf(operation, schema);
  if (simple?.every((v) => (Object.hasOwn(variables, v.name) && variables[v.name] != null ? v.accepts(variables[v.name]) : !v.nonNull))) {
    return true;
  }
  return !getVariableValues(schema, operation.variableDefinitions, variables).errors;
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
        if (needsReferenceExecutor(args.document, args.schema, args.variableValues ?? {})) return false;
        const operation = getOperationAST(args.document, args.operationName);
        if (!operation) return false;
        if (!variablesCoerce(args.schema, operation, args.variableValues ?? {})) return false;
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
