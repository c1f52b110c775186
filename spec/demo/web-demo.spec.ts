import { mkdir } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { startWebDemo } from '../../demo/web/serve.js';

/**
 * The browser demo in Debian's headless Chromium (installed by .ci/run; no
 * browser download), driven by playwright-core. The page loads the built
 * browser bundle (dist/browser.mjs), so npm test's build comes first.
 */
describe('npm run demo:web in headless Chromium', () => {
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startWebDemo>>;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    demo = await startWebDemo({ ttl: 4 });
  });
  afterEach(async () => {
    await demo.close();
  });

  it('shows refreshes, turns a revocation into exactly one refresh, and serves every request', async () => {
    const page = await browser.newPage({ viewport: { width: 1180, height: 820 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(demo.url);
    const number = async (id: string) => Number(await page.getByTestId(id).textContent());

    await page.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 10_000 });
    await page.getByText('Send 20 requests').click();
    await page.waitForFunction(() => Number(document.getElementById('ok')?.textContent) === 20, undefined, { timeout: 10_000 });

    // Every marble says what it is: the first token is "none", the state lane reaches "authenticated", a burst is "20 × 200".
    const label = (lane: string) => page.locator(`[data-lane="${lane}"] text`).allTextContents();
    expect((await label('token'))[0]).toBe('none');
    expect(await label('state')).toContain('authenticated');
    expect(await label('request')).toContain('20 × 200');

    // A 4 s token is refreshed after 2 s: the timeline shows it.
    await page.locator('[data-lane="auth"][data-kind="refresh"]').first().waitFor({ timeout: 10_000 });

    await page.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor();
    const before = demo.api.counts['POST /auth/refresh'] ?? 0;
    await page.getByText('Revoke all tokens').click();
    await page.locator('[data-lane="token"] text', { hasText: 'revoked' }).waitFor();
    await page.getByText('Send 20 requests').click();
    await page.waitForFunction(() => Number(document.getElementById('ok')?.textContent) === 40, undefined, { timeout: 10_000 });
    // The 20 requests met the revocation together: one refresh between them (a timer refresh may add one if it fell due).
    const after = demo.api.counts['POST /auth/refresh'] ?? 0;
    expect(after - before).toBeGreaterThanOrEqual(1);
    expect(after - before).toBeLessThanOrEqual(2);
    expect(demo.api.unauthorized).toBe(20);

    await page.getByText('Make the auth server fail 3 times').click();
    await page.getByText('Force refresh').click();
    await page.locator('[data-lane="auth"][data-label="refresh 503"]').first().waitFor({ timeout: 10_000 });
    await page.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 15_000 });
    await page.getByText('Send 20 requests').click();
    await page.waitForFunction(() => Number(document.getElementById('ok')?.textContent) === 60, undefined, { timeout: 10_000 });

    expect(await number('failed')).toBe(0);
    expect(await number('logins')).toBe(1);
    expect(errors).toEqual([]);
    await mkdir('.artifacts', { recursive: true });
    await page.screenshot({ path: '.artifacts/demo-web.png' });
    await page.close();
  }, 60_000);

  it("ends the page's armed failures with the page: a new page logs in at the first try", async () => {
    const first = await browser.newPage();
    await first.goto(demo.url);
    await first.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 10_000 });
    await first.getByText('Make the auth server fail 3 times').click();
    await first.locator('[data-lane="auth"] text', { hasText: '3 × 503 armed' }).waitFor();
    await first.close();

    const next = await browser.newPage();
    await next.goto(demo.url);
    await next.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 10_000 });
    expect(demo.api.log.filter((entry) => entry.path.startsWith('/auth/')).map((entry) => entry.status)).toEqual([200]);
    await next.close();
  }, 30_000);
});
