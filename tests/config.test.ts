import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error(`no ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('gives every setting its default when the environment is empty, and treats empty values as unset', () => {
    const c = loadConfig({ PORT: '', DB_POOL_MAX: '', SEED_TEMPLATES: '' });
    expect(c.env).toBe('development');
    expect(c.port).toBe(4000);
    expect(c.db.poolMax).toBe(10);
    expect(c.seedTemplates).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.templates.categories).toEqual(['development', 'architecture', 'data', 'quality', 'communication', 'techniques']);
    expect(c.cache.ttlJitter).toBe(0.1);
    expect(c.cache.namespace).toBe('mcp');
    expect(c.auth.mode).toBe('off');
    expect(c.limits.introspection).toBe(true);
    expect(c.trustedDocuments.enabled).toBe(false);
    expect(Object.isFrozen(c) && Object.isFrozen(c.templates.categories)).toBe(true);
  });

  it('reads numbers, booleans, choices, lists and URLs', () => {
    const c = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DB_POOL_MAX: ' 4 ',
      CACHE_TTL_JITTER: '0.25',
      SEED_TEMPLATES: 'no',
      GRAPHIQL: 'yes',
      GRAPHQL_INTROSPECTION: '0',
      TEMPLATE_CATEGORIES: ' a , b-2,, c_3 ',
      DATABASE_URL: 'postgresql://u@db:5432/x',
      REDIS_URL: 'rediss://cache:6380',
      AUTH_MODE: 'off',
      TRUSTED_DOCUMENTS: 'on',
      LOG_LEVEL: 'warn',
    });
    expect(c).toMatchObject({
      env: 'production',
      port: 8080,
      db: { poolMax: 4 },
      cache: { ttlJitter: 0.25 },
      seedTemplates: false,
      limits: { graphiql: true, introspection: false },
      templates: { categories: ['a', 'b-2', 'c_3'] },
      databaseUrl: 'postgresql://u@db:5432/x',
      redisUrl: 'rediss://cache:6380',
      auth: { mode: 'off' },
      trustedDocuments: { enabled: true },
      logLevel: 'warn',
    });
    // Unset, AUTH_MODE follows NODE_ENV.
    expect(loadConfig({ NODE_ENV: 'production' }).auth.mode).toBe('required');
  });

  it('lists every bad setting at once, each with its name and what is wrong', () => {
    const problems = problemsOf({
      PORT: '70000',
      DB_POOL_MAX: '0',
      PAGE_SIZE_MAX: '2.5',
      CACHE_TTL_JITTER: '0.9',
      SEED_TEMPLATES: 'maybe',
      NODE_ENV: 'staging',
      DATABASE_URL: 'mysql://u@db/x',
      REDIS_URL: 'not a url',
      TEMPLATE_CATEGORIES: 'ok,Not Ok',
      CACHE_NAMESPACE: 'has space',
      MEMORY_SWEEP_INTERVAL_MS: 'soon',
    });
    // In the order the settings are declared.
    expect(problems).toEqual([
      'NODE_ENV: expected one of development, production, test, got "staging"',
      'PORT: must be at most 65535, got 70000',
      'DATABASE_URL: expected a postgres:// or postgresql:// URL',
      'DB_POOL_MAX: must be at least 1, got 0',
      'REDIS_URL: expected a URL',
      'TEMPLATE_CATEGORIES: "Not Ok" does not match /^[a-z0-9_-]{1,50}$/',
      'PAGE_SIZE_MAX: expected an integer, got "2.5"',
      'SEED_TEMPLATES: expected one of true, 1, yes, false, 0, no, got "maybe"',
      'MEMORY_SWEEP_INTERVAL_MS: expected an integer, got "soon"',
      'CACHE_NAMESPACE: "has space" does not match /^[A-Za-z0-9_.-]{1,64}$/',
      'CACHE_TTL_JITTER: must be between 0 and 0.5, got 0.9',
    ]);
    expect(problemsOf({ TEMPLATE_CATEGORIES: ' , ,' })).toEqual(['TEMPLATE_CATEGORIES: expected at least one item']);
    expect(problemsOf({ EMBEDDED_PG_PORT: '0' })).toEqual(['EMBEDDED_PG_PORT: must be at least 1, got 0']);
    expect(problemsOf({ PAGE_SIZE_DEFAULT: '50', PAGE_SIZE_MAX: '40' })).toEqual(['PAGE_SIZE_DEFAULT: 50 exceeds PAGE_SIZE_MAX 40']);
    expect(() => loadConfig({ PORT: 'x' })).toThrow(/^Invalid configuration:\n {2}PORT: expected an integer, got "x"$/);
  });
});
