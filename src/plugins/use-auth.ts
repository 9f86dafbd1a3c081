import type { Plugin } from 'graphql-yoga';
import { hasScope } from '../domains/auth/api-keys.service.ts';
import { forbidden, guardHttpRoute, type Auth } from '../domains/auth/auth.ts';
import { requiredScopes } from '../domains/auth/scopes.ts';

/**
 * API-key auth for GraphQL: each operation's key is verified and counted against the rate limit before it is
 * parsed (so an unauthenticated caller costs no parsing or validation), and its scopes are checked against what
 * the operation selects before it executes. Does nothing when AUTH_MODE=off.
 */
export function useAuth(auth: Auth): Plugin {
  if (auth.mode === 'off') return {};
  return {
    async onParams({ request }) {
      await auth.authenticate(request);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const key = auth.keyFor((args.contextValue as { request: Request }).request);
      if (!key) return; // authenticate() has already refused the request
      for (const [scope, fields] of requiredScopes(args.schema, args.document, args.operationName)) {
        if (!hasScope(key, scope)) {
          setResultAndStopExecution({ errors: [forbidden(scope, fields)] });
          return;
        }
      }
    },
  };
}

/**
 * Guards plain HTTP routes (anything whose path starts with one of `prefixes`) with the `admin` scope: a
 * missing, unknown or under-scoped key gets the same coded JSON refusal as a GraphQL request.
 */
export function useAdminRoutes(auth: Auth, prefixes: readonly string[]): Plugin {
  if (auth.mode === 'off') return {};
  return {
    // Not async: every other request passes straight on, without a promise to wait for.
    onRequest({ request, url, endResponse }) {
      if (!prefixes.some((p) => url.pathname.startsWith(p))) return undefined;
      return guardHttpRoute(auth, request, 'admin').then((denied) => {
        if (denied) endResponse(denied);
      });
    },
  };
}
