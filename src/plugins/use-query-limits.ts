import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import {
  getNamedType,
  getOperationAST,
  GraphQLError,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config.ts';
import { limitExceeded, userError } from '../errors.ts';

type Limits = Config['limits'];
type Pagination = { defaultSize: number; maxSize: number };

/**
 * Refuses an armor rejection with a coded error naming the setting: reported to the validation context when
 * there is one, thrown otherwise (the token limit runs while parsing).
 */
function refuse(setting: string, max: number) {
  return [
    (ctx: ValidationContext | null, err: GraphQLError) => {
      const coded = limitExceeded(err.message.replace(/^Syntax Error: /, '').replace(/\.$/, ''), setting, max);
      if (!ctx) throw coded;
      ctx.reportError(coded);
    },
  ];
}

/** Refuses `__schema` and `__type` (introspection), with a coded error. `__typename` stays allowed. */
export const noIntrospectionRule: ValidationRule = (ctx) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      ctx.reportError(
        userError('INTROSPECTION_DISABLED', 'Introspection is disabled (GRAPHQL_INTROSPECTION = false)', {
          limit: 'GRAPHQL_INTROSPECTION',
        }),
      );
    }
  },
});

/** A `first` value as the resolvers take it: the default when absent, capped at the maximum, at least 1. */
function pageOf(raw: unknown, pagination: Pagination): number {
  const n = typeof raw === 'number' && Number.isFinite(raw) ? raw : pagination.defaultSize;
  return Math.max(1, Math.min(Math.trunc(n), pagination.maxSize));
}

/**
 * The cost of an operation: each selected field costs 1, times the page sizes of the list fields above it. A field
 * with a `first` argument multiplies everything below it by that page size (from the literal or the variable;
 * `pageSizeDefault` when absent, capped at `pageSizeMax`, as the resolvers cap it).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  pagination: Pagination,
): number {
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  // Each fragment is priced once (spreading one fragment many times must not multiply the work); one in a cycle
  // (a validation error anyway) costs nothing.
  const fragmentCost = new Map<string, number>();
  const cost = (set: SelectionSetNode, type: GraphQLNamedType | null | undefined): number => {
    let total = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const field = type && isObjectType(type) ? type.getFields()[sel.name.value] : undefined;
        total += 1;
        if (!sel.selectionSet || !field) continue;
        let factor = 1;
        if (field.args.some((a) => a.name === 'first')) {
          const arg = sel.arguments?.find((a) => a.name.value === 'first');
          factor = pageOf(arg ? valueFromASTUntyped(arg.value, variables ?? undefined) : undefined, pagination);
        }
        total += factor * cost(sel.selectionSet, getNamedType(field.type));
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        total += cost(sel.selectionSet, sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag) continue;
        if (!fragmentCost.has(name)) {
          fragmentCost.set(name, 0);
          fragmentCost.set(name, cost(frag.selectionSet, schema.getType(frag.typeCondition.name.value)));
        }
        total += fragmentCost.get(name) as number;
      }
    }
    return total;
  };
  const root = schema.getRootType(operation.operation);
  return cost(operation.selectionSet, root);
}

/** Most remembered costs per operation (distinct page sizes of its variables); past it, they are forgotten. */
const COSTS_PER_OPERATION = 256;

/** Names of the variables an operation's `first` arguments take (those are all a cost depends on). */
function pageSizeVariables(document: DocumentNode): string[] {
  const names = new Set<string>();
  visit(document, {
    Argument(node) {
      if (node.name.value === 'first' && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
    },
  });
  return [...names];
}

/**
 * operationCost, remembered per parsed document (graphql-yoga hands the same object back for a query text it has
 * seen) and operation name, and for each set of page sizes its variables give: a request whose query is known pays
 * a lookup instead of a walk over its selections. One instance serves one schema and one pagination.
 */
export function createCostCache(
  pagination: Pagination,
  compute: typeof operationCost = operationCost,
): (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined) => number {
  const byDocument = new WeakMap<DocumentNode, { variables: string[]; costs: Map<string, number> }>();
  return (schema, document, operationName, variables) => {
    let plan = byDocument.get(document);
    if (!plan) {
      plan = { variables: pageSizeVariables(document), costs: new Map() };
      byDocument.set(document, plan);
    }
    // A variable counts only through its page size, so values that the cap or the default make equal share a key.
    let key = operationName ?? '';
    for (const name of plan.variables) key += `\0${pageOf(variables?.[name], pagination)}`;
    let cost = plan.costs.get(key);
    if (cost === undefined) {
      cost = compute(schema, document, operationName, variables, pagination);
      if (plan.costs.size >= COSTS_PER_OPERATION) plan.costs.clear();
      plan.costs.set(key, cost);
    }
    return cost;
  };
}

/**
 * Query limits: depth, aliases, tokens and directives (graphql-armor), field suggestions blocked when introspection
 * is off, introspection itself, and the page-size-aware cost limit. Every refusal is a LIMIT_EXCEEDED error (or
 * INTROSPECTION_DISABLED) that names the setting and its value.
 */
export function useQueryLimits(limits: Limits, pagination: Pagination): Plugin {
  const costOf = createCostCache(pagination);
  const armor = EnvelopArmorPlugin({
    maxDepth: { n: limits.maxDepth, propagateOnRejection: false, onReject: refuse('GRAPHQL_MAX_DEPTH', limits.maxDepth) },
    maxAliases: { n: limits.maxAliases, propagateOnRejection: false, onReject: refuse('GRAPHQL_MAX_ALIASES', limits.maxAliases) },
    maxDirectives: {
      n: limits.maxDirectives,
      propagateOnRejection: false,
      onReject: refuse('GRAPHQL_MAX_DIRECTIVES', limits.maxDirectives),
    },
    maxTokens: { n: limits.maxTokens, onReject: refuse('GRAPHQL_MAX_TOKENS', limits.maxTokens) },
    // Armor's cost limit prices every object alike; ours below prices lists by their page size.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(armor as Plugin);
    },
    onValidate({ addValidationRule }) {
      if (!limits.introspection) addValidationRule(noIntrospectionRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const cost = costOf(args.schema, args.document, args.operationName, args.variableValues);
      if (cost > limits.maxCost) {
        setResultAndStopExecution({
          errors: [limitExceeded(`Query cost ${cost} is over the limit`, 'GRAPHQL_MAX_COST', limits.maxCost, { cost })],
        });
      }
    },
  };
}
