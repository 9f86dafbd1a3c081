import { defineConfig } from 'vitest/config';

export default defineConfig({
  // graphql 16 ships CommonJS (main) and ESM (module) builds; Node loads the former for our dependencies, so the
  // source under test must load the same copy or `instanceof GraphQLError` fails across the two.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
