import { createServerAdapter } from '@whatwg-node/server';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTokenHandler, type TokenHandler } from '../../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { browserModules } from './module-files.js';

/**
 * The whole tokenUrl story in Debian's headless Chromium: one origin on
 * 127.0.0.1 serves the page (under /app/), the token endpoint
 * (createTokenHandler through @whatwg-node/server, at /api/video-token) and
 * the api.video routes (the test server), as an app behind one reverse proxy
 * does. The page loads the built browser bundle (dist/browser.mjs, npm test
 * builds it first) and only ever knows '/api/video-token'. Every response the
 * browser received is kept and scanned for the key and for refresh tokens.
 * Assertions read the servers' counts and logs; nothing is timed.
 */

const API_KEY = 'test-api-key-7c1e9a';
const TOKEN_PATH = '/api/video-token';
const modules = browserModules('/app/');
const html = `<!doctype html><meta charset="utf-8"><title>rx-bearer tokenUrl</title>
${modules.importMap}
<script type="module">
import { createBearerAuth } from 'rx-bearer';
import { firstValueFrom } from 'rxjs';
let auth;
/** createBearerAuth(options); a thrown error comes back as plain data. */
window.start = (options) => {
  try {
    auth = createBearerAuth({ baseUrl: location.origin, ...options });
    return { ok: true };
  } catch (error) {
    return { error: error.name, isTypeError: error instanceof TypeError, message: error.message };
  }
};
/** auth.json(path), its outcome as plain data. */
window.call = async (path) => {
  try {
    return { body: await firstValueFrom(auth.json(path)) };
  } catch (error) {
    return { error: error.name, reason: error.reason, status: error.status, message: error.message };
  }
};
window.ready = true;
</script>`;

/** Serves the page and the modules it imports under /app/ (a Node listener, mounted on the test server). */
function servePage(req: IncomingMessage, res: ServerResponse) {
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (pathname === '/app/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  if (!modules.serve(res, pathname)) res.writeHead(404).end();
}

type Started = { ok?: true; error?: string; isTypeError?: boolean; message?: string };
type Outcome = { body?: { data?: unknown[] }; error?: string; reason?: string; status?: number; message?: string };

describe('Chromium: a page that uses createBearerAuth({ tokenUrl }) against createTokenHandler on its own origin', () => {
  let browser: Browser;
  let api: ApiVideoTestServer;
  let handler: TokenHandler;
  let allow: boolean | 401 | 403;
  let tabs: Page[];
  /** Every response any tab received, as text: URL, status, headers and body. */
  let received: Array<Promise<string>>;
  let pageErrors: string[];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
  }, 30_000);
  afterAll(() => browser?.close());

  beforeEach(async () => {
    api = await createApiVideoTestServer({ apiKey: API_KEY });
    allow = true;
    handler = createTokenHandler({ apiKey: API_KEY, baseUrl: api.url, retry: { maxAttempts: 1 }, authorize: () => allow });
    api.mount(TOKEN_PATH, createServerAdapter(handler));
    api.mount('/app/', servePage);
    tabs = [];
    received = [];
    pageErrors = [];
  });
  afterEach(async () => {
    await Promise.all(tabs.map((tab) => tab.close()));
    handler.dispose();
    await api.close();
    expect(pageErrors).toEqual([]);
  });

  const open = async (): Promise<Page> => {
    const tab = await browser.newPage();
    tabs.push(tab);
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('response', (response) => {
      received.push(
        (async () => {
          const headers = Object.entries(await response.allHeaders()).map(([name, value]) => `${name}: ${value}`);
          const body = await response.text().catch(() => '');
          return [`${response.status()} ${response.url()}`, ...headers, body].join('\n');
        })(),
      );
    });
    await tab.goto(`${api.url}/app/`);
    await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 10_000 });
    return tab;
  };
  const start = (tab: Page, options: object) => tab.evaluate((options) => (window as unknown as { start(options: object): Started }).start(options), options);
  const call = (tab: Page, path: string) => tab.evaluate((path) => (window as unknown as { call(path: string): Promise<Outcome> }).call(path), path);
  const everything = async () => (await Promise.all(received)).join('\n');
  const apiCalls = () => api.log.filter((entry) => entry.path === '/videos');

  it('calls the API with Authorization: Bearer, and no response the browser got holds the key or a refresh token', async () => {
    const tab = await open();
    expect(await start(tab, { tokenUrl: TOKEN_PATH })).toEqual({ ok: true });
    expect(await call(tab, '/videos')).toEqual({ body: jasmine.objectContaining({ data: [] }) });
    expect(await call(tab, '/videos')).toEqual({ body: jasmine.objectContaining({ data: [] }) });

    expect(apiCalls().length).toBe(2);
    expect(apiCalls().every((entry) => entry.hadAuthorization && api.issued.has(entry.token!))).toBeTrue();
    expect(api.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    expect(api.counts['POST /auth/api-key']).toBe(1);

    const seen = await everything();
    expect(seen).toContain(TOKEN_PATH); // the scan did see the token endpoint's answer...
    expect(seen).toContain('access_token'); // ...and its body
    expect(api.issuedRefreshTokens.size).toBeGreaterThan(0);
    expect(seen).not.toContain(API_KEY);
    for (const refreshToken of api.issuedRefreshTokens) expect(seen).not.toContain(refreshToken);
  }, 30_000);

  it('after the API revokes every token, the page asks the endpoint again and still never receives a refresh token', async () => {
    const tab = await open();
    await start(tab, { tokenUrl: TOKEN_PATH });
    await call(tab, '/videos');
    api.revokeAll();
    expect(await call(tab, '/videos')).toEqual({ body: jasmine.objectContaining({ data: [] }) });
    expect(api.counts['POST /auth/refresh']).toBe(1);
    expect(api.counts[`POST ${TOKEN_PATH}`]).toBe(2);
    const seen = await everything();
    expect(seen).not.toContain(API_KEY);
    for (const refreshToken of api.issuedRefreshTokens) expect(seen).not.toContain(refreshToken);
  }, 30_000);

  it('when authorize() refuses, the page learns that the token endpoint refused, not the API key', async () => {
    allow = false;
    const tab = await open();
    await start(tab, { tokenUrl: TOKEN_PATH });
    const outcome = await call(tab, '/videos');
    expect(outcome).toEqual(jasmine.objectContaining({ error: 'AuthError', reason: 'rejected', status: 401 }));
    expect(outcome.message).toBe(`The token endpoint ${api.url}${TOKEN_PATH} refused (HTTP 401)`);
    expect(api.counts['POST /auth/api-key']).toBeUndefined();
    expect(apiCalls()).toEqual([]);
  }, 30_000);

  it('several pages at once cost the api.video server exactly one login', async () => {
    const opened = await Promise.all(Array.from({ length: 5 }, () => open()));
    await Promise.all(opened.map((tab) => start(tab, { tokenUrl: TOKEN_PATH })));
    const outcomes = await Promise.all(opened.map((tab) => call(tab, '/videos')));
    expect(outcomes).toEqual(Array.from({ length: 5 }, () => ({ body: jasmine.objectContaining({ data: [] }) })));
    expect(api.counts[`POST ${TOKEN_PATH}`]).toBe(5);
    expect(api.counts['POST /auth/api-key']).toBe(1);
    expect(apiCalls().length).toBe(5);
    expect(apiCalls().every((entry) => entry.hadAuthorization)).toBeTrue();
    expect(await everything()).not.toContain(API_KEY);
  }, 30_000);

  it('createBearerAuth({ apiKey }) in the page throws the guard-rail TypeError, and works with dangerouslyAllowBrowser: true', async () => {
    const tab = await open();
    const refused = await start(tab, { apiKey: API_KEY });
    expect(refused.isTypeError).toBeTrue();
    // dist/browser.mjs is the production build: its message is the short one (spec/integration/package/dev-condition.spec.ts has the full one).
    expect(refused.message).toMatch(/tokenUrl/);
    expect(refused.message).toMatch(/dangerouslyAllowBrowser/);
    expect(refused.message).not.toContain(API_KEY);
    expect(api.counts['POST /auth/api-key']).toBeUndefined();

    expect(await start(tab, { apiKey: API_KEY, dangerouslyAllowBrowser: true })).toEqual({ ok: true });
    expect(await call(tab, '/videos')).toEqual({ body: jasmine.objectContaining({ data: [] }) });
    expect(api.counts['POST /auth/api-key']).toBe(1);
    expect(apiCalls()[0]?.hadAuthorization).toBeTrue();
  }, 30_000);
});
