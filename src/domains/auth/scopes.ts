import {
  getNamedType,
  getOperationAST,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldDefinitionNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import type { Scope } from './api-keys.table.ts';

/** The schema directive that raises (or sets) the scope a field needs: `@requiresScope(scope: ADMIN)`. */
export const REQUIRES_SCOPE_DIRECTIVE = 'requiresScope';

function directiveScope(node: FieldDefinitionNode | null | undefined): Scope | null {
  const d = node?.directives?.find((x) => x.name.value === REQUIRES_SCOPE_DIRECTIVE);
  const arg = d?.arguments?.find((a) => a.name.value === 'scope');
  if (!arg) return null;
  return String(valueFromASTUntyped(arg.value)).toLowerCase() as Scope;
}

/**
 * The scopes an operation needs, each with the fields that need it: root query fields need `read`, root mutation
 * fields `write`, and any field (at any depth) marked `@requiresScope` the scope it names. Fragments are followed
 * once each; fields the schema does not know are left to validation.
 */
export function requiredScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
): Map<Scope, string[]> {
  const out = new Map<Scope, string[]>();
  const operation = getOperationAST(document, operationName ?? undefined);
  if (!operation) return out;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const add = (scope: Scope, coordinate: string) => {
    const list = out.get(scope) ?? [];
    if (!list.includes(coordinate)) list.push(coordinate);
    out.set(scope, list);
  };
  const rootScope: Scope = operation.operation === 'mutation' ? 'write' : 'read';
  const visitedFragments = new Set<string>();

  const walk = (set: SelectionSetNode, type: GraphQLNamedType | null | undefined, isRoot: boolean) => {
    for (const sel of set.selections) {
      if (sel.kind === Kind.FIELD) {
        const fields = type && isObjectType(type) ? type.getFields() : undefined;
        const field: GraphQLField<unknown, unknown> | undefined = fields?.[sel.name.value];
        const coordinate = `${type?.name ?? '?'}.${sel.name.value}`;
        const scope = directiveScope(field?.astNode);
        if (scope) add(scope, coordinate);
        else if (isRoot) add(rootScope, coordinate);
        if (sel.selectionSet && field) walk(sel.selectionSet, getNamedType(field.type), false);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        const t = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        walk(sel.selectionSet, t, isRoot);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || visitedFragments.has(`${name}:${isRoot}`)) continue;
        visitedFragments.add(`${name}:${isRoot}`);
        walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value), isRoot);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  walk(operation.selectionSet, root, true);
  return out;
}
