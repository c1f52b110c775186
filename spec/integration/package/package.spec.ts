import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/api-video-test-server.js';

const run = promisify(execFile);

// What a user's script does with the built package: log in, call the API, dispose, and exit.
const body = (load: string) => `
  ${load}
  const { createBearerAuth, AuthError, HttpError, InvalidTokenResponseError } = lib;
  const { firstValueFrom } = rxjs;
  const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL });
  const names = [createBearerAuth, AuthError, HttpError, InvalidTokenResponseError].map((f) => typeof f);
  firstValueFrom(auth.json('/videos')).then((page) => {
    auth.dispose();
    process.on('exit', () => console.log(JSON.stringify({ names, data: page.data, authError: new AuthError('rejected', 'x') instanceof Error })));
  });
`;

describe('the built package', () => {
  let server: ApiVideoTestServer;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(() => server.close());

  const cases = [
    ['import()', ['--input-type=module', '-e', body("const lib = await import('rx-bearer'); const rxjs = await import('rxjs');")]],
    ['require()', ['-e', body("const lib = require('rx-bearer'); const rxjs = require('rxjs');")]],
  ] as const;
  for (const [how, args] of cases) {
    it(`loads through ${how} in Node, works against the server, and lets the process exit after dispose()`, async () => {
      const started = Date.now();
      const { stdout } = await run(process.execPath, [...args], { env: { ...process.env, BASE_URL: server.url }, timeout: 15_000 });
      expect(JSON.parse(stdout)).toEqual({ names: ['function', 'function', 'function', 'function'], data: [], authError: true });
      expect(server.counts['POST /auth/api-key']).toBe(1);
      // With a 3600 s token the refresh timer would hold the process for an hour: dispose() must release it.
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "const t = await import('rx-bearer/testing'); const m = await import('rx-bearer/testing/marbles'); const s = await t.createApiVideoTestServer(); await s.close(); console.log(typeof m.createMarbleTransport, typeof m.tokenResponse, s.url.startsWith('http://127.0.0.1:'))"]],
    ['require()', ['-e', "const t = require('rx-bearer/testing'); const m = require('rx-bearer/testing/marbles'); t.createApiVideoTestServer().then(async (s) => { await s.close(); console.log(typeof m.createMarbleTransport, typeof m.tokenResponse, s.url.startsWith('http://127.0.0.1:')); })"]],
  ] as const) {
    it(`loads rx-bearer/testing and rx-bearer/testing/marbles through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function true');
    }, 20_000);
  }

  for (const [how, args] of [
    ['import()', ['--input-type=module', '-e', "await import('@angular/compiler'); const a = await import('rx-bearer/angular'); console.log(typeof a.provideBearerAuth, typeof a.bearerInterceptor, typeof a.injectBearerAuth)"]],
    ['require()', ['-e', "require('@angular/compiler'); const a = require('rx-bearer/angular'); console.log(typeof a.provideBearerAuth, typeof a.bearerInterceptor, typeof a.injectBearerAuth)"]],
  ] as const) {
    it(`loads rx-bearer/angular through ${how}`, async () => {
      const { stdout } = await run(process.execPath, [...args], { timeout: 15_000 });
      expect(stdout.trim()).toBe('function function function');
    }, 20_000);
  }

  it('keeps Angular out of the core entry: a Node user installs no Angular', async () => {
    for (const file of ['dist/index.mjs', 'dist/index.cjs']) {
      expect(await readFile(file, 'utf8')).not.toMatch(/from '@angular|require\('@angular/);
    }
    expect(await readFile('dist/angular.mjs', 'utf8')).toMatch(/from 'rx-bearer'/); // one shared core, not a copy
  });

  it('ships no chunk that nothing loads: the build starts from an empty dist/', async () => {
    const chunks = (await readdir('dist/chunks')).filter((file) => !file.endsWith('.map'));
    const files = await Promise.all((await readdir('dist')).filter((file) => /\.(mjs|cjs|d\.mts|d\.cts)$/.test(file)).map((file) => readFile(`dist/${file}`, 'utf8')));
    const chunkTexts = await Promise.all(chunks.map((chunk) => readFile(`dist/chunks/${chunk}`, 'utf8')));
    for (const [i, chunk] of chunks.entries()) {
      // Another file names it (a chunk names itself in its sourceMappingURL comment, so not itself).
      const loaders = [...files, ...chunkTexts.filter((_, j) => j !== i)];
      expect(loaders.some((text) => text.includes(chunk.replace(/\.d\.[mc]ts$/, '').replace(/\.[mc]js$/, ''))))
        .withContext(`dist/chunks/${chunk} is loaded by some file`).toBeTrue();
    }
  });

  it('passes publint and attw --pack (types resolve for ESM, CJS and bundlers)', async () => {
    const publint = await run('npx', ['--no-install', 'publint', '--strict'], { timeout: 60_000 });
    expect(publint.stdout).toContain('All good');
    const attw = await run('npx', ['--no-install', 'attw', '--pack', '.', '--format', 'table-flipped'], { timeout: 60_000 });
    expect(attw.stdout).toContain('No problems found');
  }, 90_000);
});
