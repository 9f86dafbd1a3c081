import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.log(`GraphiQL browser test skipped: ${CHROMIUM} is absent (apt-get install -y chromium)`);

describe.skipIf(!haveChromium)('GraphiQL in headless Chromium', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ env: { SEED_TEMPLATES: 'true' } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage();
    const origin = new URL(server.url).origin;
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')) foreignRequests.push(u);
    });
    await page.goto(`${server.url}/graphql`);
    await page.locator('.graphiql-query-editor .monaco-editor').first().waitFor({ timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The response pane's visible text; Monaco renders spaces as no-break spaces. */
  const responseText = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');

  /**
   * Presses the run button and waits until the response pane shows a new result containing `expected`.
   * GraphiQL takes the editor's text into its state after a short debounce, so a press right after typing can
   * run the previous query: then the answer does not change, and the button is pressed again.
   */
  async function run(expected: string): Promise<string> {
    const before = await responseText();
    for (let attempt = 1; ; attempt++) {
      await page.locator('.graphiql-execute-button').click();
      try {
        const handle = await page.waitForFunction(
          ([prev, want]) => {
            const el = document.querySelector('.graphiql-response') as HTMLElement | null;
            const t = (el?.innerText ?? '').replace(/\u00a0/g, ' ');
            return t !== prev && t.includes(want) ? t : null;
          },
          [before, expected] as const,
          { timeout: 5_000 },
        );
        return (await handle.jsonValue()) as string;
      } catch (err) {
        if (attempt >= 5) throw err;
      }
    }
  }

  it('opens with an example that shows the templates at once', async () => {
    const editorText = (await page.locator('.graphiql-query-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
    expect(editorText).toContain('query Templates');
    // The result is longer than the pane, and Monaco renders only the visible lines: read its head.
    const shown = await run('"totalCount"');
    expect(shown).toMatch(/"totalCount": 11,/);
    expect(shown).toMatch(/"name": "[a-z0-9-]+"/);
    expect(shown).toMatch(/"usage": \{\s*"count": \d+/);
    expect(shown).not.toContain('"errors"');
  });

  it('runs a query typed into the editor and shows its result', async () => {
    await page.locator('.graphiql-query-editor .monaco-editor').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    // insertText types like an input method: Monaco's bracket auto-closing does not double the braces.
    await page.keyboard.insertText('query ByName { templateByName(name: "chain-of-thought") { name category version } }');
    const shown = await run('"templateByName"');
    expect(JSON.parse(shown)).toEqual({ data: { templateByName: { name: 'chain-of-thought', category: 'techniques', version: 1 } } });
  });

  it('loaded every asset from the service itself (works offline)', () => {
    expect(foreignRequests).toEqual([]);
  });
});
