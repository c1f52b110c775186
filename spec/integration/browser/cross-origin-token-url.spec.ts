import { createServerAdapter } from '@whatwg-node/server';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTokenHandler, type TokenHandler } from '../../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { browserModules } from './module-files.js';

/**
 * A token endpoint on another origin than the page, in Debian's headless
 * Chromium, with four loopback origins (each an api.video test server, the
 * last three serving only what is mounted on them):
 *   api   http://127.0.0.1:A   the api.video routes (CORS for every origin, no credentials)
 *   auth  http://127.0.0.1:T   /login sets the session cookie; /api/video-token is createTokenHandler
 *   app   http://127.0.0.1:P   the page, listed in corsOrigins (also as http://localhost:P)
 *   evil  http://127.0.0.1:E   the same page, not listed
 * Ports make another origin, not another site, and cookies ignore ports:
 * 127.0.0.1:P -> 127.0.0.1:T is what app.example.com -> auth.example.com is
 * (same site, cross origin), where a SameSite=Lax cookie goes with
 * credentials: 'include'. localhost:P -> 127.0.0.1:T is another site, as
 * app.example -> auth.other.example is. The cookie the endpoint sees is what
 * authorize() read from the request; nothing is timed.
 */

const API_KEY = 'test-api-key-x0r1g1n';
const TOKEN_PATH = '/api/video-token';
const modules = browserModules('/app/');
const html = `<!doctype html><meta charset="utf-8"><title>rx-bearer cross-origin tokenUrl</title>
${modules.importMap}
<script type="module">
import { createBearerAuth } from 'rx-bearer';
import { firstValueFrom } from 'rxjs';
let auth;
window.start = (options) => {
  try {
    auth = createBearerAuth(options);
    return { ok: true };
  } catch (error) {
    return { error: error.name, isTypeError: error instanceof TypeError, message: error.message };
  }
};
window.call = async (path) => {
  try {
    return { body: await firstValueFrom(auth.json(path)) };
  } catch (error) {
    return { error: error.name, reason: error.reason, status: error.status, message: error.message, cause: error.cause?.name };
  }
};
/** What an attacker's page can do with plain fetch: the status it may read, or the error. */
window.raw = async (url, init) => {
  try {
    const response = await fetch(url, init);
    return { status: response.status, type: response.type, body: await response.text() };
  } catch (error) {
    return { error: error.name };
  }
};
window.ready = true;
</script>`;

function servePage(req: IncomingMessage, res: ServerResponse) {
  const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
  if (pathname === '/app/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  if (!modules.serve(res, pathname)) res.writeHead(404).end();
}

type Started = { ok?: true; error?: string; isTypeError?: boolean; message?: string };
type Outcome = { body?: { data?: unknown[] }; error?: string; reason?: string; status?: number; message?: string; cause?: string };
type Raw = { status?: number; type?: string; body?: string; error?: string };

describe('Chromium: createBearerAuth({ tokenUrl, tokenUrlCredentials }) with the token endpoint on another origin', () => {
  let browser: Browser;
  let api: ApiVideoTestServer;
  let auth: ApiVideoTestServer;
  let app: ApiVideoTestServer;
  let evil: ApiVideoTestServer;
  let handler: TokenHandler;
  let session: string;
  /** The Cookie header of each request authorize() saw (null: none). */
  let cookies: Array<string | null>;
  let contexts: BrowserContext[];
  let pageErrors: string[];
  /** Headers of the token endpoint's answers to POSTs, as Chromium received them. */
  let endpointAnswers: Array<Promise<Record<string, string>>>;

  const port = (server: ApiVideoTestServer) => new URL(server.url).port;
  const tokenUrl = () => auth.url + TOKEN_PATH;

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    });
  }, 30_000);
  afterAll(() => browser?.close());

  beforeEach(async () => {
    [api, auth, app, evil] = await Promise.all([
      createApiVideoTestServer({ apiKey: API_KEY, cors: true }),
      createApiVideoTestServer(),
      createApiVideoTestServer(),
      createApiVideoTestServer(),
    ]);
    session = randomBytes(12).toString('hex');
    cookies = [];
    contexts = [];
    pageErrors = [];
    endpointAnswers = [];
    handler = createTokenHandler({
      apiKey: API_KEY,
      baseUrl: api.url,
      retry: { maxAttempts: 1 },
      corsOrigins: [app.url, `http://localhost:${port(app)}`],
      authorize: (request) => {
        const cookie = request.headers.get('cookie');
        cookies.push(cookie);
        return cookie?.split(/;\s*/).includes(`session=${session}`) ?? false;
      },
    });
    auth.mount(TOKEN_PATH, createServerAdapter(handler));
    // The user signs in on the auth origin: its session cookie, HttpOnly (no page script reads it).
    auth.mount('/login', (req, res) => {
      const sameSite = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams.get('samesite') ?? 'Lax';
      const attributes = sameSite === 'None' ? 'SameSite=None; Secure' : `SameSite=${sameSite}`;
      res.writeHead(200, { 'set-cookie': `session=${session}; Path=/; HttpOnly; ${attributes}`, 'content-type': 'text/plain' }).end('signed in');
    });
    app.mount('/app/', servePage);
    evil.mount('/app/', servePage);
  });
  afterEach(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    handler.dispose();
    await Promise.all([api, auth, app, evil].map((server) => server.close()));
    expect(pageErrors).toEqual([]);
  });

  /** A fresh browser profile (its own cookie jar), signed in on the auth origin, with the page open at `pageUrl`. */
  const open = async (pageUrl: string, { signIn = 'Lax' as 'Lax' | 'None' | false } = {}): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('response', (response) => {
      if (response.url() === tokenUrl() && response.request().method() === 'POST') endpointAnswers.push(response.allHeaders());
    });
    if (signIn) expect((await tab.goto(`${auth.url}/login?samesite=${signIn}`))?.status()).toBe(200);
    await tab.goto(pageUrl);
    await tab.waitForFunction(() => (window as unknown as { ready?: boolean }).ready === true, undefined, { timeout: 10_000 });
    return tab;
  };
  const start = (tab: Page, options: object) =>
    tab.evaluate((options) => (window as unknown as { start(options: object): Started }).start(options), { baseUrl: api.url, tokenUrl: tokenUrl(), retry: { maxAttempts: 1 }, ...options });
  const call = (tab: Page, path: string) => tab.evaluate((path) => (window as unknown as { call(path: string): Promise<Outcome> }).call(path), path);
  const raw = (tab: Page, url: string, init: RequestInit) =>
    tab.evaluate(([url, init]) => (window as unknown as { raw(url: string, init: RequestInit): Promise<Raw> }).raw(url, init), [url, init] as const);
  const videoCalls = () => api.log.filter((entry) => entry.path === '/videos');

  it("same site, another origin (127.0.0.1:P -> 127.0.0.1:T): with 'include' the SameSite=Lax session cookie reaches the endpoint, which answers CORS for that origin only, and the token flows", async () => {
    const tab = await open(`${app.url}/app/`);
    expect(await start(tab, { tokenUrlCredentials: 'include' })).toEqual({ ok: true });
    expect(await call(tab, '/videos')).toEqual({ body: jasmine.objectContaining({ data: [] }) });

    expect(cookies).toEqual([`session=${session}`]);
    expect(auth.counts[`OPTIONS ${TOKEN_PATH}`]).withContext('the JSON POST was preflighted').toBe(1);
    expect(auth.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    const [answer] = await Promise.all(endpointAnswers);
    expect(answer).toEqual(jasmine.objectContaining({ 'access-control-allow-origin': app.url, 'access-control-allow-credentials': 'true', vary: 'Origin' }));
    expect(api.counts['POST /auth/api-key']).toBe(1);
    expect(videoCalls().length).toBe(1);
    expect(videoCalls().every((entry) => entry.hadAuthorization && api.issued.has(entry.token!))).toBeTrue();
    // The cookie went to tokenUrl only: not to the API, which gets the bearer.
    expect(api.log.some((entry) => entry.hadCookie)).toBeFalse();
  }, 30_000);

  it("keeps the default as safe as before: without the option, or with 'same-origin', no cookie goes there (the endpoint refuses, 401)", async () => {
    const tab = await open(`${app.url}/app/`);
    // dist/browser.mjs is the production build: no guard there (the development build throws a TypeError naming
    // tokenUrlCredentials, token-url.spec.ts), and the default is 'same-origin', as before.
    for (const options of [{}, { tokenUrlCredentials: 'same-origin' }]) {
      expect(await start(tab, options)).toEqual({ ok: true });
      expect(await call(tab, '/videos')).withContext(JSON.stringify(options)).toEqual(jasmine.objectContaining({ error: 'AuthError', reason: 'rejected', status: 401 }));
    }
    expect(cookies).toEqual([null, null]);
    expect(api.counts['POST /auth/api-key']).toBeUndefined();
    expect(videoCalls()).toEqual([]);
  }, 30_000);

  it("an origin not in corsOrigins (127.0.0.1:E, same site, the user's cookie at hand) gets nothing: its preflight is refused, no POST arrives, authorize() never runs, no login", async () => {
    const tab = await open(`${evil.url}/app/`);
    expect(await start(tab, { tokenUrlCredentials: 'include' })).toEqual({ ok: true });
    expect(await call(tab, '/videos')).toEqual(jasmine.objectContaining({ error: 'AuthError', reason: 'unavailable', cause: 'NetworkError' }));
    expect(auth.counts[`OPTIONS ${TOKEN_PATH}`]).toBe(1);
    expect(auth.counts[`POST ${TOKEN_PATH}`]).toBeUndefined();

    // The attacker's own fetches: the JSON POST dies at its preflight; a simple one (text/plain, no-cors) arrives with the
    // cookie but is refused 415 before authorize(), and its answer is opaque to the page anyway.
    const json = await raw(tab, tokenUrl(), { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json).toEqual({ error: 'TypeError' });
    const simple = await raw(tab, tokenUrl(), { method: 'POST', credentials: 'include', mode: 'no-cors', body: '{}' });
    expect(simple).toEqual({ status: 0, type: 'opaque', body: '' });
    expect(auth.counts[`POST ${TOKEN_PATH}`]).toBe(1); // that one simple POST, refused by the handler
    expect(cookies).toEqual([]);
    expect(api.counts['POST /auth/api-key']).toBeUndefined();
    expect(videoCalls()).toEqual([]);
  }, 30_000);

  it('another site (localhost:P -> 127.0.0.1:T), though listed in corsOrigins: the cookie stays home, SameSite=Lax by its rule and SameSite=None; Secure because Chromium blocks third-party cookies (401 both)', async () => {
    for (const signIn of ['Lax', 'None'] as const) {
      const tab = await open(`http://localhost:${port(app)}/app/`, { signIn });
      const [jar] = await tab.context().cookies(auth.url);
      expect(jar).withContext('the cookie was set').toEqual(jasmine.objectContaining({ name: 'session', value: session, sameSite: signIn }));
      expect(await start(tab, { tokenUrlCredentials: 'include' })).toEqual({ ok: true });
      expect(await call(tab, '/videos')).withContext(signIn).toEqual(jasmine.objectContaining({ error: 'AuthError', reason: 'rejected', status: 401 }));
    }
    // CORS let both pages read the answer (their origin is listed): what was missing is the cookie.
    expect(cookies).toEqual([null, null]);
    const answers = await Promise.all(endpointAnswers);
    expect(answers.map((answer) => answer['access-control-allow-origin'])).toEqual([`http://localhost:${port(app)}`, `http://localhost:${port(app)}`]);
    expect(api.counts['POST /auth/api-key']).toBeUndefined();
  }, 30_000);
});
