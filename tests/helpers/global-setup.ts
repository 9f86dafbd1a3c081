import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedPg } from '../../src/db/embedded.ts';

let embedded: EmbeddedPg | undefined;

/**
 * The PostgreSQL server the tests use: DATABASE_URL when set (as on CI), otherwise an embedded one.
 * Each test file then creates and drops a fresh database of its own on it.
 */
export async function setup(project: TestProject): Promise<void> {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres({
      dir: process.env.TEST_EMBEDDED_PG_DIR ?? '.data-test/pg',
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339),
      database: 'postgres',
    });
    adminUrl = embedded.url;
  }
  project.provide('adminDatabaseUrl', adminUrl);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}
