import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

/**
 * A literal as the JSON value it writes: objects without a prototype (so that no key, `__proto__` included, can
 * reach Object.prototype), numbers as numbers, enum values as their names, variables as the operation's values.
 */
function valueOfLiteral(node: ValueNode, variables: { readonly [name: string]: unknown } | null | undefined): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map((v) => valueOfLiteral(v, variables));
    case Kind.OBJECT: {
      const object: Record<string, unknown> = Object.create(null);
      for (const field of node.fields) object[field.name.value] = valueOfLiteral(field.value, variables);
      return object;
    }
    case Kind.VARIABLE:
      return variables?.[node.name.value];
  }
}

/** Any JSON value, in and out as it is (ECMA-404). */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  specifiedByURL: 'https://ecma-international.org/publications-and-standards/standards/ecma-404/',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: valueOfLiteral,
});
