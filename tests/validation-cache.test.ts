import { GraphQLError, type ValidationRule } from 'graphql';
import { createSchema, createYoga, type Plugin } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useValidationCache } from '../src/plugins/use-validation-cache.ts';

const typeDefs = /* GraphQL */ `
  type Query {
    hello: String
    nested: Query
  }
`;

/** A server with the cache, a rule-adding plugin it may skip, and a plugin it must not skip; counts everything. */
function server() {
  const counts = { ruleAdderHooks: 0, ruleRuns: 0, otherHooks: 0, otherAfterValid: 0 };
  // Refuses aliases: a rule whose verdict depends on the document.
  const noAliases: ValidationRule = (ctx) => {
    counts.ruleRuns += 1;
    return {
      Field(node) {
        if (node.alias) ctx.reportError(new GraphQLError('aliases are refused here', { nodes: node }));
      },
    };
  };
  const ruleAdder: Plugin = {
    onValidate({ addValidationRule }) {
      counts.ruleAdderHooks += 1;
      addValidationRule(noAliases);
    },
  };
  const other: Plugin = {
    onValidate() {
      counts.otherHooks += 1;
      return ({ valid }) => {
        if (valid) counts.otherAfterValid += 1;
      };
    },
  };
  const cache = useValidationCache();
  const yoga = createYoga({
    schema: createSchema({ typeDefs, resolvers: { Query: { hello: () => 'hi', nested: () => ({}) } } }),
    logging: false,
    parserAndValidationCache: { validationCache: false },
    plugins: [cache.plugin, cache.addsRulesOnly(ruleAdder), other],
  });
  const post = async (query: string) => {
    const res = await yoga.fetch('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } };
  };
  return { counts, post };
}

describe('validation cache', () => {
  it('validates a document once: later requests skip the rules and the hooks that only add them', async () => {
    const { counts, post } = server();
    for (let i = 0; i < 3; i++) {
      const r = await post('{ hello nested { hello } }');
      expect(r.body).toEqual({ data: { hello: 'hi', nested: { hello: 'hi' } } });
    }
    expect(counts.ruleRuns).toBe(1);
    expect(counts.ruleAdderHooks).toBe(1);
    // A hook that is not declared a rule adder runs for every request, its after-callback told the document is valid.
    expect(counts.otherHooks).toBe(3);
    expect(counts.otherAfterValid).toBe(3);
    // Another query text is another document: validated in its turn.
    await post('{ hello }');
    expect(counts.ruleRuns).toBe(2);
  });

  it('validates a refused document on every request, with every hook, refusing it alike each time', async () => {
    const { counts, post } = server();
    const first = await post('{ greeting: hello }');
    const second = await post('{ greeting: hello }');
    for (const r of [first, second]) {
      expect(r.body.data).toBeUndefined();
      expect(r.body.errors).toEqual([expect.objectContaining({ message: 'aliases are refused here', extensions: expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED' }) })]);
    }
    expect(counts.ruleRuns).toBe(2);
    expect(counts.ruleAdderHooks).toBe(2);
    expect(counts.otherAfterValid).toBe(0);
    // Unknown fields (graphql's own rules) likewise; a valid document after them is still answered.
    for (let i = 0; i < 2; i++) {
      const r = await post('{ nope }');
      expect(r.body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect((await post('{ hello }')).body).toEqual({ data: { hello: 'hi' } });
  });

  it('keeps a plugin without onValidate as it is', () => {
    const cache = useValidationCache();
    const plain: Plugin = { onExecute() {} };
    expect(cache.addsRulesOnly(plain)).toBe(plain);
  });
});
