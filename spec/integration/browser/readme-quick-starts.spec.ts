import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { copyFile, mkdir } from 'node:fs/promises';
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
    expect(failure.stderr).toBe('The API key was rejected (HTTP 400)\n');
  }, 20_000);

  it('browser: bundled with esbuild and served by server.mjs as pasted, the page shows "authenticated" and the video count; other origins get no token', async () => {
    // The three files side by side, as a user saves them (inside the repository, so that 'rx-bearer/server' and
    // '@whatwg-node/server' resolve as they do in an app that installed them).
    const folder = '.artifacts/quick-start';
    await mkdir(folder, { recursive: true });
    await build({ entryPoints: ['spec/readme/quick-start/browser.js'], bundle: true, format: 'esm', platform: 'browser', outfile: `${folder}/bundle.js`, logLevel: 'silent' });
    await Promise.all(['index.html', 'server.mjs'].map((file) => copyFile(`spec/readme/quick-start/${file}`, `${folder}/${file}`)));
    const env = { ...process.env, PORT: '0', APIVIDEO_API_KEY: 'your-sandbox-api-key', APIVIDEO_BASE_URL: server.url };
    const app = spawn(process.execPath, [`${folder}/server.mjs`], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    try {
      const printed = await new Promise<string>((resolve, reject) => {
        app.stdout.on('data', (chunk: Buffer) => resolve(chunk.toString()));
        app.on('exit', (code) => reject(new Error(`server.mjs exited ${code}`)));
      });
      const url = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed)?.[1];
      expect(url).withContext(printed).toBeDefined();
      const page = await browser.newPage();
      // The test server plays https://sandbox.api.video for the page; server.mjs talks to it directly.
      await page.route('https://sandbox.api.video/**', async (route) => {
        const request = route.request();
        const response = await route.fetch({ url: request.url().replace('https://sandbox.api.video', server.url) });
        return route.fulfill({ response });
      });
      await page.goto(url!);
      await page.locator('#videos', { hasText: '0 videos' }).waitFor({ timeout: 10_000 });
      expect(await page.locator('#status').textContent()).toBe('authenticated');
      expect(server.counts['POST /auth/api-key']).toBe(1);
      // The session check marked as yours: a page from another origin gets no token.
      const foreign = await fetch(`${url}api/video-token`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'http://evil.example' }, body: '{}' });
      expect(foreign.status).toBe(401);
      expect(await foreign.text()).not.toContain('access_token');
      // A DNS-rebinding page: the browser calls its own name, which now resolves to 127.0.0.1, so Host and Origin agree.
      const port = new URL(`${url}`).port;
      const rebound = await new Promise<number>((resolve, reject) => {
        const body = '{}';
        const sent = request(`${url}api/video-token`, { method: 'POST', headers: { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'content-type': 'application/json', 'content-length': body.length }, timeout: 5000 }, (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        });
        sent.on('error', reject).on('timeout', () => sent.destroy(new Error('no answer'))).end(body);
      });
      expect(rebound).toBe(401);
    } finally {
      await browser.close();
      app.kill();
    }
  }, 30_000);
});
