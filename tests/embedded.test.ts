import { describe, expect, it } from 'vitest';
import { loadEmbeddedPostgres } from '../src/db/embedded.ts';

describe('embedded PostgreSQL package', () => {
  it('loads without the exit hooks that would force exit code 0 or cut off in-flight requests', async () => {
    const count = () => ['exit', 'beforeExit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'message'].map((e) => process.listenerCount(e));
    const before = count();
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    expect(typeof EmbeddedPostgres).toBe('function');
    // async-exit-hook, which the package installs on import, would have added a listener to each of these.
    expect(count()).toEqual(before);
  });
});
