import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/**
 * Any JSON value, in and out as it is (ECMA-404). A literal reads as the JSON value it writes, through graphql's
 * own valueFromASTUntyped: objects without a prototype (so that no key, `__proto__` included, can reach
 * Object.prototype), numbers as numbers, enum values as their names, variables as the operation's values.
 */
export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  specifiedByURL: 'https://ecma-international.org/publications-and-standards/standards/ecma-404/',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: valueFromASTUntyped,
});
