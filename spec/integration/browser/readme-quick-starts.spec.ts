import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { createTokenHandler } from '../../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';

const run = promisify(execFile);

/**
 * The README's Node and browser quick starts (spec/readme/quick-start/*, shown
 * verbatim) run as pasted, on the built package, against the test server
 * playing the sandbox.
 */
describe("README's quick starts, as pasted", () => {
  let server: ApiVideoTestServer;
  beforeEach(async () => {
    server = await createApiVideoTestServer({ apiKey: 'your-sandbox-api-key', cors: true });
  });
  afterEach(() => server.close());

  it('Node: lists the videos, prints the states, and exits by itself', async () => {
    const env = { ...process.env, APIVIDEO_API_KEY: 'your-sandbox-api-key', APIVIDEO_BASE_URL: server.url };
    const { stdout } = await run(process.execPath, ['spec/readme/quick-start/node.mjs'], { env, timeout: 15_000 });
    expect(stdout).toBe('state: authenticating\nstate: authenticated\n0 videos []\n');
  }, 20_000);

  it('Node: a rejected key prints one line and exits 1', async () => {
    const env = { ...process.env, APIVIDEO_API_KEY: 'wrong-key', APIVIDEO_BASE_URL: server.url };
    const failure = (await run(process.execPath, ['spec/readme/quick-start/node.mjs'], { env, timeout: 15_000 }).catch((error: unknown) => error)) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toBe('The API key was rejected (HTTP 401)\n');
  }, 20_000);

  it('browser: bundled with esbuild, the page shows "authenticated" and the video count', async () => {
    const bundle = await build({ entryPoints: ['spec/readme/quick-start/browser.js'], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent' });
    const html = await readFile('spec/readme/quick-start/index.html', 'utf8');
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const page = await browser.newPage();
      // The page's own origin serves index.html and bundle.js; the test server plays https://sandbox.api.video.
      // The page's server half: createTokenHandler holds the key; the page asks it at /api/video-token.
      const handler = createTokenHandler({ apiKey: 'your-sandbox-api-key', baseUrl: server.url, authorize: () => true });
      await page.route('http://app.test/api/video-token', async (route) => {
        const request = route.request();
        const answer = await handler(new Request(request.url(), { method: request.method(), headers: request.headers(), body: request.postData() }));
        return route.fulfill({ status: answer.status, headers: Object.fromEntries(answer.headers), body: await answer.text() });
      });
      await page.route(/^http:\/\/app\.test\/(bundle\.js)?$/, (route) => {
        const isBundle = route.request().url().endsWith('/bundle.js');
        return route.fulfill({ contentType: isBundle ? 'text/javascript' : 'text/html', body: isBundle ? bundle.outputFiles[0]!.text : html });
      });
      await page.route('https://sandbox.api.video/**', async (route) => {
        const request = route.request();
        const response = await route.fetch({ url: request.url().replace('https://sandbox.api.video', server.url) });
        return route.fulfill({ response });
      });
      await page.goto('http://app.test/');
      await page.locator('#videos', { hasText: '0 videos' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('#status').textContent()).toBe('authenticated');
      expect(server.counts['POST /auth/api-key']).toBe(1);
      handler.dispose();
    } finally {
      await browser.close();
    }
  }, 30_000);
});
