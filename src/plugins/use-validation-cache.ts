import type { DocumentNode, GraphQLSchema } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export interface ValidationCache {
  /** Goes before every plugin that adds validation rules: it answers a document already found valid. */
  plugin: Plugin;
  /**
   * A plugin whose `onValidate` only adds rules, made to skip that work for a document already found valid
   * (its rules would not be run). Only for such plugins: a hook that does more (an after-callback that rewrites
   * errors, say) must not be skipped.
   */
  addsRulesOnly<P extends Plugin>(plugin: P): P;
}

/**
 * Validation once per parsed document: a document that passed validation against a schema passes again
 * (graphql-yoga hands back the same document object for a query text it has parsed), so later requests with it
 * skip the validation and the building of its rules. A document that failed is validated again on each request,
 * with every hook, so each refusal is reported as the first one was.
 *
 * This replaces graphql-yoga's validation cache (turned off with `parserAndValidationCache: { validationCache:
 * false }`), which keys its entries by the names of the rules joined into one string: on each request it read
 * the name of every rule (thirty-odd, a slow property on functions), joined them and hashed the string, and every
 * plugin built its rules first. That is right where the rules may change from request to request; here they
 * cannot (every rule is added by a plugin configured at start, the same for every request).
 */
export function useValidationCache(): ValidationCache {
  const valid = new WeakMap<GraphQLSchema, WeakSet<DocumentNode>>();
  // Set by the first onValidate hook of a validation and read by the later ones of the same validation: the hooks
  // of one validation run one after the other, synchronously, so no other validation comes between them.
  let known = false;
  const plugin: Plugin = {
    onValidate({ params: { schema, documentAST }, setResult }) {
      let documents = valid.get(schema);
      if (!documents) {
        documents = new WeakSet();
        valid.set(schema, documents);
      }
      known = documents.has(documentAST);
      if (known) {
        setResult([]);
        return undefined;
      }
      const seen = documents;
      return ({ valid: passed }) => {
        if (passed) seen.add(documentAST);
      };
    },
  };
  return {
    plugin,
    addsRulesOnly(p) {
      const onValidate = p.onValidate;
      if (!onValidate) return p;
      return { ...p, onValidate: (payload) => (known ? undefined : onValidate(payload)) };
    },
  };
}
