import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startWebDemo } from '../../../demo/web/serve.js';

const DEMO_KEY = 'web-demo-api-key';
const UNREAD = '[body unread]';
const CLOSED = '[page closed before its body was read]';

/**
 * The browser demo in Debian's headless Chromium (installed by .ci/run; no
 * browser download), driven by playwright-core. The page loads the built
 * browser bundle (dist/browser.mjs), so npm test's build comes first. It gets
 * its tokens from the demo server's token endpoint (rx-bearer/server); the
 * API key stays in the demo server. Every response the browser received
 * (headers and bodies) is kept and scanned for the key and refresh tokens.
 */
describe('npm run demo:web in headless Chromium', () => {
  let browser: Browser;
  let demo: Awaited<ReturnType<typeof startWebDemo>>;
  /** Every response any page received, as text: URL, status, headers and body. */
  let received: Array<Promise<string>>;
  /** Pages this spec closes on purpose: a poll answer in flight then is lost with them, not unread by mistake. */
  const closing = new WeakSet<Page>();

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
    // The first token lives a minute: no refresh falls due while a spec revokes it. Specs that want refreshes shorten api.ttl.
    demo = await startWebDemo({ ttl: 60 });
    received = [];
  });
  afterEach(async () => {
    await demo.close();
  });

  /** A page whose every response is recorded (read at once: bodies are gone once the page closes). */
  const openPage = async (errors: string[] = []) => {
    const page = await browser.newPage({ viewport: { width: 1180, height: 820 } });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('response', (response) => {
      const lost = () => `${response.status()} ${response.url()}\n${closing.has(page) ? CLOSED : UNREAD}`;
      const read = response.allHeaders().then(async (headers) => {
        const head = `${response.status()} ${response.url()}\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n')}`;
        return `${head}\n${await response.text().catch(() => (closing.has(page) ? CLOSED : UNREAD))}`;
      }, lost);
      // A body nobody reads in the page may never finish loading: that must fail the scan, not hang it.
      const late = new Promise<string>((resolve) => setTimeout(() => resolve(lost()), 5_000).unref());
      received.push(Promise.race([read, late]));
    });
    await page.goto(demo.url);
    await page.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 10_000 });
    return page;
  };
  const okCount = (page: Page, n: number) => page.waitForFunction((n) => Number(document.getElementById('ok')?.textContent) === n, n, { timeout: 10_000 });
  /** The data-label of each marble on a lane, oldest first. */
  const labels = (page: Page, lane: string) => page.locator(`[data-lane="${lane}"]`).evaluateAll((gs) => gs.map((g) => g.getAttribute('data-label')));

  /**
   * Every label drawn on the timeline, as its box on screen, with the pairs whose boxes overlap (none may), and
   * whether the newest marble of each lane kept its words (an older one may give them up for room).
   */
  const layout = (page: Page) =>
    page.evaluate(() => {
      const texts = [...document.querySelectorAll<SVGTextElement>('#timeline text.marble-text')];
      const boxes = texts.map((text) => ({ label: text.textContent, box: text.getBoundingClientRect() }));
      const overlapping: string[] = [];
      boxes.forEach((a, i) =>
        boxes.slice(i + 1).forEach((b) => {
          const apart = a.box.right <= b.box.left || b.box.right <= a.box.left || a.box.bottom <= b.box.top || b.box.bottom <= a.box.top;
          if (!apart) overlapping.push(`${a.label} / ${b.label}`);
        }),
      );
      const newestSilent = ['token', 'state', 'endpoint', 'auth', 'request'].filter((lane) => {
        const marbles = document.querySelectorAll(`#timeline g[data-lane="${lane}"]`);
        return marbles.length > 0 && !marbles[marbles.length - 1]!.querySelector('text');
      });
      return { labels: boxes.length, overlapping, newestSilent };
    });
  const expectReadableTimeline = async (page: Page, moment: string) => {
    const { labels, overlapping, newestSilent } = await layout(page);
    expect(labels).withContext(moment).toBeGreaterThan(0);
    expect(overlapping).withContext(`${moment}: labels drawn over each other`).toEqual([]);
    expect(newestSilent).withContext(`${moment}: lanes whose newest marble lost its label`).toEqual([]);
    await page.screenshot({ path: `.artifacts/demo-web-${moment.replace(/\W+/g, '-')}.png` });
  };

  /** Nothing the browser received holds the API key or a refresh token the API server issued. */
  const expectNoSecretReceived = async () => {
    const texts = await Promise.all(received);
    // Chromium keeps no body the page dropped unread: rx-bearer drops a 401's before it resends. Nothing else may be unread.
    const unread = texts.filter((text) => text.endsWith(UNREAD)).map((text) => text.slice(0, text.indexOf('\n')));
    expect(unread.filter((line) => line !== `401 ${demo.api.url}/videos`)).toEqual([]);
    const everything = texts.join('\n');
    expect(everything).toContain('"access_token"'); // the scan saw the token endpoint's answers
    expect(everything.includes(DEMO_KEY)).withContext('the API key').toBe(false);
    expect(demo.api.issuedRefreshTokens.size).toBeGreaterThan(0);
    const leaked = [...demo.api.issuedRefreshTokens].filter((token) => everything.includes(token));
    expect(leaked.length).withContext('refresh tokens received by the browser').toBe(0);
  };

  it('gets its tokens from the token endpoint, turns a revocation into one refresh, shows upstream failures, and serves every request', async () => {
    const errors: string[] = [];
    const page = await openPage(errors);
    await page.getByRole('button', { name: 'Send 20 requests' }).click();
    await okCount(page, 20);

    // Every marble says what it is: the first token is "none", the state lane reaches "authenticated", a burst is "20 × 200";
    // the page asked the endpoint once, and the server logged in once at api.video.
    const texts = (lane: string) => page.locator(`[data-lane="${lane}"] text`).allTextContents();
    expect((await texts('token'))[0]).toBe('none');
    expect(await texts('state')).toContain('authenticated');
    expect(await texts('request')).toContain('20 × 200');
    expect(await labels(page, 'endpoint')).toEqual(['200 · new token']);
    await page.locator('[data-lane="auth"][data-label="login 200"]').waitFor();
    await mkdir('.artifacts', { recursive: true });
    await expectReadableTimeline(page, 'first requests');

    // Revoked while the page and the server hold the same token (a minute-long one: the server refreshes
    // ahead only in its second half): 20 × 401, one report, exactly one refresh at api.video.
    // (A revocation after the server refreshed ahead but before the page picked up the new token fails
    // the requests instead: the handler hands out its newer token, revoked too. Reported, not tested here.)
    demo.api.ttl = 4; // from the revocation's refresh on, 4 s tokens: the server refreshes them ahead after 2 s
    const before = demo.api.counts['POST /auth/refresh'] ?? 0;
    await page.getByRole('button', { name: 'Revoke all tokens' }).click();
    await page.locator('[data-lane="token"][data-label="revoked"]').waitFor();
    await page.getByRole('button', { name: 'Send 20 requests' }).click();
    await okCount(page, 40);
    expect(demo.api.unauthorized).toBe(20);
    const reports = (await labels(page, 'endpoint')).filter((label) => label!.startsWith('reported'));
    expect(reports.length).toBe(1);
    expect(reports[0]).toMatch(/^reported …\S{4} → 200 · new token$/);
    await page.locator('[data-lane="auth"][data-label="refresh 200"]').waitFor();
    const after = demo.api.counts['POST /auth/refresh'] ?? 0;
    expect(after - before).toBe(1);
    await expectReadableTimeline(page, 'after the revocation');

    // Force refresh with a 4 s token under 2 s old: the endpoint hands the same token back, api.video is not asked, and the page says so.
    await page.getByRole('button', { name: 'Force refresh' }).click();
    await page.locator('[data-lane="endpoint"][data-kind="forced"]').waitFor();
    expect((await labels(page, 'endpoint')).at(-1)).toBe('refresh() → 200 · same token');
    expect(await page.getByTestId('note').textContent()).toContain('handed back the token this page already had');
    expect(demo.api.counts['POST /auth/refresh'] ?? 0).toBe(after);

    // The server's next refreshes (ahead, when the page's timer asks; then for the page's expired token) meet
    // three 503s; the lane shows them, then the refresh that got through, and the page goes on.
    await page.getByRole('button', { name: 'Make the auth server fail 3 times' }).click();
    await page.locator('[data-lane="auth"][data-label="next 3 calls fail"]').waitFor();
    await page.waitForFunction(
      () => {
        const auth = [...document.querySelectorAll('[data-lane="auth"]')].map((g) => g.getAttribute('data-label'));
        const failed = auth.lastIndexOf('refresh 503');
        return auth.filter((label) => label === 'refresh 503').length === 3 && auth.indexOf('refresh 200', failed) > failed;
      },
      undefined,
      { timeout: 15_000 },
    );
    await page.getByTestId('status').filter({ hasText: 'authenticated' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Send 20 requests' }).click();
    await okCount(page, 60);
    await expectReadableTimeline(page, 'after the 503s');
    // The counters agree with the API server's own log: refreshes that got a token, and the auth calls that did not.
    const auth = demo.api.log.filter((entry) => entry.path.startsWith('/auth/'));
    const count = async (id: string) => Number(await page.getByTestId(id).textContent());
    await page.waitForFunction((n) => Number(document.getElementById('refreshes')?.textContent) === n, auth.filter((entry) => entry.path === '/auth/refresh' && entry.status === 200).length, { timeout: 5_000 });
    expect(await count('authFailures')).toBe(auth.filter((entry) => entry.status >= 400).length);
    expect(await count('authFailures')).toBeGreaterThanOrEqual(3);
    // The Force-refresh note went away by itself.
    await page.waitForFunction(() => document.getElementById('note')?.textContent === '', undefined, { timeout: 15_000 });

    expect(Number(await page.getByTestId('failed').textContent())).toBe(0);
    expect(Number(await page.getByTestId('logins').textContent())).toBe(1);
    // This file names the key: it is not served beside the page.
    expect(await page.evaluate(async () => (await fetch('/serve.ts')).status)).toBe(404);
    expect(errors).toEqual([]);
    await page.screenshot({ path: '.artifacts/demo-web.png' });
    await expectNoSecretReceived();
    await page.close();
  }, 60_000);

  it("ends a page's armed failures with the page, and gives tokens to its own pages only", async () => {
    const first = await openPage();
    await first.getByRole('button', { name: 'Make the auth server fail 3 times' }).click();
    await first.locator('[data-lane="auth"][data-label="next 3 calls fail"]').waitFor();
    closing.add(first);
    await first.close();

    // The new page gets the server's token; a revocation makes the server refresh, at the first try.
    const next = await openPage();
    expect(await labels(next, 'endpoint')).toEqual(['200 · new token']);
    await next.getByRole('button', { name: 'Revoke all tokens' }).click();
    await next.getByRole('button', { name: 'Send 20 requests' }).click();
    await okCount(next, 20);
    await next.locator('[data-lane="auth"][data-label="refresh 200"]').waitFor();
    expect(await labels(next, 'auth')).toEqual(['refresh 200']);
    expect(demo.api.log.filter((entry) => entry.path.startsWith('/auth/')).map((entry) => entry.status)).toEqual([200]);
    await expectNoSecretReceived();
    await next.close();

    // The demo's authorize: a browser on another site sends its own Origin, and gets no token.
    for (const origin of ['http://evil.example', 'null']) {
      const response = await fetch(`${demo.url}api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: '{}' });
      expect(response.status).withContext(origin).toBe(401);
    }
  }, 30_000);
});
