import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApiVideoTestServer, type ApiVideoTestServer, type LoggedRequest } from '../../../src/testing/index.js';
import { browserModules } from './module-files.js';

/**
 * Harness for the browser specs (browser-redirects.spec.ts and the findings pinned beside it).
 * The browser path of the redirect rules, in Debian's headless Chromium: a
 * page on its own origin loads the built browser bundle (dist/browser.mjs,
 * npm test builds it first) and calls auth.fetch against two CORS-enabled
 * test servers, the API (A) and another origin (B). In a browser,
 * `redirect: 'manual'` answers with an opaque redirect: rx-bearer then learns
 * that this fetch follows redirects itself, sends a GET again with 'follow'
 * (the browser drops the token across origins), and fails a POST (it cannot
 * be repeated safely). Every assertion reads the servers' logs; none is timed.
 */

const modules = browserModules('/');
const page = `<!doctype html><meta charset="utf-8"><title>rx-bearer redirects</title>
${modules.importMap}
<script type="module">
import { createBearerAuth } from 'rx-bearer';
import { firstValueFrom } from 'rxjs';
/** One auth on this page, so that what its fetch learnt from a redirect carries over between calls. */
let auth;
window.start = (options) => void (auth = createBearerAuth(options));
/** auth.fetch, its outcome as plain data (a status, or an error's name, code and cause). */
window.call = async (url, init) => {
  try {
    const response = await firstValueFrom(auth.fetch(url, init));
    return { status: response.status, redirected: response.redirected, url: response.url, body: await response.text() };
  } catch (error) {
    return { error: error.name, code: error.code, reason: error.reason, message: error.message, cause: error.cause?.message };
  }
};
window.ready = true;
</script>`;

/** Serves the page and the modules it imports, on 127.0.0.1 (another origin than either API server). */
async function startPageServer(): Promise<{ url: string; close(): Promise<void> }> {
  const http: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
    if (!modules.serve(res, pathname)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`,
    close() {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

export type Outcome = { status?: number; redirected?: boolean; url?: string; body?: string; error?: string; code?: string; reason?: string; message?: string; cause?: string };
export const summary = (log: readonly LoggedRequest[]) => log.map(({ method, path, status, hadAuthorization }) => ({ method, path, status, hadAuthorization }));

/** Registers the hooks: Chromium once, and per spec two CORS-enabled test servers (A: the API, B: another origin) and a page whose auth is on A. */
export function useBrowserPage() {
  const env = {} as { api: ApiVideoTestServer; other: ApiVideoTestServer; tab: Page };
  let browser: Browser;
  let pages: Awaited<ReturnType<typeof startPageServer>>;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
    pages = await startPageServer();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await pages?.close();
  });
  beforeEach(async () => {
    [env.api, env.other] = await Promise.all([createApiVideoTestServer({ cors: true }), createApiVideoTestServer({ cors: true })]);
    errors.length = 0;
    env.tab = await browser.newPage();
    env.tab.on('pageerror', (error) => errors.push(error.message));
    await env.tab.goto(pages.url);
    await env.tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true);
    await env.tab.evaluate((baseUrl) => (window as unknown as { start(options: object): void }).start({ apiKey: 'test-api-key', baseUrl, dangerouslyAllowBrowser: true }), env.api.url);
  }, 20_000);
  afterEach(async () => {
    await env.tab?.close();
    await Promise.all([env.api.close(), env.other.close()]);
    expect(errors).toEqual([]);
  });

  const call = (url: string, init: RequestInit = {}) =>
    env.tab.evaluate(([url, init]) => (window as unknown as { call(url: string, init: RequestInit): Promise<Outcome> }).call(url, init), [url, init] as const);
  const via = (to: string, status = 302) => `/redirect?status=${status}&to=${encodeURIComponent(to)}`;

  return { env, call, via };
}
