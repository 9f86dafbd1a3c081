import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createApiKey, createApiKeyVerifier, parseScopes } from '../src/domains/auth/api-keys.service.ts';
import { runApiKeyCommand } from '../src/domains/auth/apikey-command.ts';
import { createAuth, guardHttpRoute } from '../src/domains/auth/auth.ts';
import { requiredScopes } from '../src/domains/auth/scopes.ts';
import { createLogger } from '../src/logger.ts';
import { createTestApp, type TestApp } from './helpers/app.ts';

const run = promisify(execFile);
let app: TestApp;
const keys: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp({ env: { AUTH_MODE: 'required', RATE_LIMIT_MAX: '0' } });
  for (const [name, scopes] of [
    ['reader', ['read']],
    ['writer', ['write']],
    ['both', ['read', 'write']],
    ['admin', ['admin']],
  ] as const) {
    keys[name] = (await createApiKey(app.deps.db, { name, scopes })).key;
  }
});
afterAll(async () => {
  await app?.close();
});

const LIST = '{ templates(first: 1) { totalCount } }';
const CREATE = `mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id name } }`;
const input = () => ({ name: `t-${randomBytes(4).toString('hex')}`, category: 'data', content: 'Hello' });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys', () => {
  it('stores only a hash: the plain key appears nowhere in its row', async () => {
    const { key, row } = await createApiKey(app.deps.db, { name: 'hash-check', scopes: ['read'] });
    expect(key).toMatch(/^ptk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const stored = await app.deps.db.selectFrom('api_keys').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
    const secret = key.split('_').slice(2).join('_');
    expect(JSON.stringify({ ...stored, secret_hash: stored.secret_hash.toString('hex') })).not.toContain(secret);
    expect(stored.secret_hash).toHaveLength(32);
  });

  it('refuses a request without a key, with a malformed key and with an unknown key: 401 UNAUTHENTICATED', async () => {
    for (const headers of [{}, bearer('nonsense'), bearer(`ptk_${'0'.repeat(12)}_${'A'.repeat(43)}`)]) {
      const res = await app.yoga.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: LIST }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as any;
      expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(body.data).toBeUndefined();
    }
  });

  it('lets a read key query but not mutate, a write key mutate but not query; admin does both', async () => {
    expect((await app.gql(LIST, {}, bearer(keys.reader!))).data.templates.totalCount).toBe(0);
    const denied = await app.gql(CREATE, { input: input() }, bearer(keys.reader!));
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'write', fields: ['Mutation.createTemplate'] });
    expect(denied.data).toBeUndefined();
    expect(await app.deps.db.selectFrom('prompt_templates').select('id').execute()).toHaveLength(0);

    const created = await app.gql(CREATE, { input: input() }, { 'x-api-key': keys.writer! });
    expect(created.errors).toBeUndefined();
    const q = await app.gql(LIST, {}, { 'x-api-key': keys.writer! });
    expect(q.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    expect((await app.gql(CREATE, { input: input() }, bearer(keys.admin!))).errors).toBeUndefined();
    expect((await app.gql(LIST, {}, bearer(keys.admin!))).data.templates.totalCount).toBe(2);
  });

  it('records the last use of a key', async () => {
    const { key, row } = await createApiKey(app.deps.db, { name: 'used', scopes: ['read'] });
    expect(row.last_used_at).toBeNull();
    await app.gql(LIST, {}, bearer(key));
    let lastUsed: Date | null = null;
    for (let i = 0; i < 50 && !lastUsed; i++) {
      lastUsed = (await app.deps.db.selectFrom('api_keys').select('last_used_at').where('id', '=', row.id).executeTakeFirstOrThrow()).last_used_at;
      if (!lastUsed) await new Promise((r) => setTimeout(r, 20));
    }
    expect(lastUsed).toBeInstanceOf(Date);
  });

  it('remembers a key for the cache TTL only: a revocation is refused once the TTL has passed', async () => {
    let now = 1_000;
    const clock = { now: () => now };
    const verifier = createApiKeyVerifier(app.deps.db, { ttlMs: 5_000, clock });
    const { key, row } = await createApiKey(app.deps.db, { name: 'revoked-soon', scopes: ['read'] });
    expect(await verifier.verify(key)).toMatchObject({ id: row.id, scopes: ['read'] });
    await app.deps.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', row.id).execute();
    const { statements, result } = await app.countStatements(() => verifier.verify(key));
    expect(result).not.toBeNull(); // still cached: no statement ran
    expect(statements).toHaveLength(0);
    now += 5_001;
    expect(await verifier.verify(key)).toBeNull();
    // A wrong secret with a known prefix never verifies, cached or not.
    expect(await verifier.verify(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
  });

  it('guards plain HTTP routes by scope', async () => {
    const req = (headers: Record<string, string>) => new Request('http://test/export/templates', { headers });
    expect((await guardHttpRoute(app.deps.auth, req({}), 'admin'))?.status).toBe(401);
    const forbidden = await guardHttpRoute(app.deps.auth, req(bearer(keys.both!)), 'admin');
    expect(forbidden?.status).toBe(403);
    expect(((await forbidden?.json()) as any).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', requiredScope: 'admin' });
    expect(await guardHttpRoute(app.deps.auth, req(bearer(keys.admin!)), 'admin')).toBeNull();
  });
});

describe('@requiresScope', () => {
  const schema = buildSchema(`
    directive @requiresScope(scope: ApiScope!) on FIELD_DEFINITION
    enum ApiScope { READ WRITE ADMIN }
    type Query { a: Int, stats: Stats @requiresScope(scope: ADMIN), nested: Holder }
    type Holder { cacheStats: Int @requiresScope(scope: ADMIN), plain: Int }
    type Stats { n: Int }
    type Mutation { m: Int }
  `);
  const scopes = (q: string) => Object.fromEntries(requiredScopes(schema, parse(q)));

  it('needs read for queries, write for mutations and the named scope for marked fields at any depth', () => {
    expect(scopes('{ a }')).toEqual({ read: ['Query.a'] });
    expect(scopes('mutation { m }')).toEqual({ write: ['Mutation.m'] });
    expect(scopes('{ stats { n } }')).toEqual({ admin: ['Query.stats'] });
    expect(scopes('{ nested { plain } }')).toEqual({ read: ['Query.nested'] });
    expect(scopes('{ ...F } fragment F on Query { nested { ... on Holder { cacheStats } } }')).toEqual({
      read: ['Query.nested'],
      admin: ['Holder.cacheStats'],
    });
  });
});

describe('rate limit', () => {
  async function limited(env: Record<string, string>) {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: app.databaseUrl, AUTH_MODE: 'required', ...env });
    return createAuth(config, app.deps.db, createLogger('silent'));
  }
  const request = (key: string) => new Request('http://test/graphql', { headers: bearer(key) });

  it('answers RATE_LIMITED with a retry-after once a key has used its operations (in-process)', async () => {
    const a = await limited({ RATE_LIMIT_MAX: '3', RATE_LIMIT_WINDOW_MS: '3600000' });
    for (let i = 0; i < 3; i++) expect(await a.authenticate(request(keys.reader!))).not.toBeNull();
    const err = await a.authenticate(request(keys.reader!)).catch((e) => e);
    expect(err.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'RATE_LIMIT_MAX', max: 3 });
    expect(err.extensions.retryAfterMs).toBeGreaterThan(0);
    expect(Number(err.extensions.http.headers['retry-after'])).toBeGreaterThan(0);
    // Another key has its own budget.
    expect(await a.authenticate(request(keys.writer!))).not.toBeNull();
    await a.close();
  });

  it('answers 429 over HTTP with a Retry-After header', async () => {
    const server = await createTestApp({ env: { AUTH_MODE: 'required', RATE_LIMIT_MAX: '1', RATE_LIMIT_WINDOW_MS: '3600000' } });
    try {
      const { key } = await createApiKey(server.deps.db, { name: 'busy', scopes: ['read'] });
      const send = () =>
        server.yoga.fetch('http://test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...bearer(key) },
          body: JSON.stringify({ query: LIST }),
        });
      expect((await send()).status).toBe(200);
      const res = await send();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    } finally {
      await server.close();
    }
  });

  it.skipIf(!process.env.REDIS_URL)('holds across instances when kept in Redis (needs REDIS_URL)', async () => {
    const env = {
      REDIS_URL: process.env.REDIS_URL!,
      RATE_LIMIT_MAX: '4',
      RATE_LIMIT_WINDOW_MS: '3600000',
      RATE_LIMIT_REDIS_PREFIX: `test:${randomBytes(8).toString('hex')}:`,
    };
    const [one, two] = [await limited(env), await limited(env)];
    const { createClient } = await import('@redis/client');
    const probe = createClient({ url: env.REDIS_URL });
    await probe.connect();
    await Promise.all([one.rateLimiter.ready?.(), two.rateLimiter.ready?.()]);
    for (let i = 0; i < 2; i++) {
      await one.authenticate(request(keys.reader!));
      await two.authenticate(request(keys.reader!));
    }
    const keysInRedis = await probe.keys(`${env.RATE_LIMIT_REDIS_PREFIX}*`);
    expect(keysInRedis).toHaveLength(1);
    expect(Number(await probe.get(keysInRedis[0]!))).toBe(4);
    const err = await two.authenticate(request(keys.reader!)).catch((e) => e);
    expect(err.extensions?.code).toBe('RATE_LIMITED');
    await probe.del(keysInRedis);
    await probe.close();
    await one.close();
    await two.close();
  });
});

describe('npm run apikey', () => {
  async function command(...argv: string[]) {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await runApiKeyCommand(app.deps.db, argv, { log: (l) => lines.push(l), error: (l) => errors.push(l) }, { cacheTtlMs: 5000 });
    return { code, stdout: lines.join('\n'), stderr: errors.join('\n') };
  }

  it('creates a key shown once, lists it, and revokes it', async () => {
    const created = await command('create', '--name', 'ci', '--scopes', 'read,write');
    expect(created.code).toBe(0);
    const key = /key:\s+(\S+)/.exec(created.stdout)?.[1] as string;
    const id = /id:\s+(\S+)/.exec(created.stdout)?.[1] as string;
    expect(key).toMatch(/^ptk_/);
    expect((await app.gql(LIST, {}, bearer(key))).errors).toBeUndefined();
    const listed = await command('list');
    expect(listed.stdout).toContain(`${id}  ci  [read,write]`);
    expect(listed.stdout).not.toContain(key);
    expect((await command('revoke', id)).code).toBe(0);
    const row = await app.deps.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeInstanceOf(Date);
    const bad = await command('create', '--name', 'x', '--scopes', 'read,root');
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('scopes must be') });
    expect((await command('frobnicate')).code).toBe(2);
    expect(() => parseScopes('read,root')).toThrow(/scopes must be/);
    expect(parseScopes(' Read, write,read')).toEqual(['read', 'write']);
  });

  it('runs as a script against DATABASE_URL', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/domains/auth/apikey-cli.ts', 'list'], {
      env: { ...process.env, DATABASE_URL: app.databaseUrl, LOG_LEVEL: 'silent' },
    });
    expect(stdout).toContain('  reader  [read]');
  });
});
