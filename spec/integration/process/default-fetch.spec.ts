import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/api-video-test-server.js';

const run = promisify(execFile);

// A user's CommonJS script on a platform without fetch (Jest with jsdom has none), against the built package.
// --no-experimental-require-module: require() cannot load ESM, as under Jest.
const withoutFetch = (extra: string) => `
  delete globalThis.fetch;
  const { createBearerAuth } = require('rx-bearer');
  const { firstValueFrom } = require('rxjs');
  const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL, ${extra} });
  const states = [];
  auth.state$.subscribe((state) => states.push(state.status));
  firstValueFrom(auth.json('/videos')).then(
    (page) => ({ data: page.data }),
    (error) => ({ name: error.name, code: error.code, reason: error.reason, message: error.message }),
  ).then((result) => {
    auth.dispose();
    console.log(JSON.stringify({ file: require.resolve('rx-bearer').split('/').pop(), states, ...result }));
  });
`;

describe('where there is no global fetch', () => {
  let server: ApiVideoTestServer;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(() => server.close());

  const node = async (args: string[]) => {
    const { stdout } = await run(process.execPath, ['--no-experimental-require-module', ...args], { env: { ...process.env, BASE_URL: server.url }, timeout: 15_000 });
    return JSON.parse(stdout) as Record<string, unknown>;
  };

  it('the CommonJS build loads cross-fetch with require() and works', async () => {
    const result = await node(['-e', withoutFetch('')]);
    expect(result).toEqual(jasmine.objectContaining({ file: 'index.cjs', data: [] }));
    expect(server.counts['POST /auth/api-key']).toBe(1);
  }, 20_000);

  it('the browser build loads with require() (Jest with jsdom) and fails the first call at once, saying to pass options.fetch, without retrying', async () => {
    // Retries this far apart would outlast the spec: an answer proves there were none.
    const result = await node(['--conditions=browser', '-e', withoutFetch('retry: { initialDelay: 600000, maxDelay: 600000 }')]);
    expect(result).toEqual(jasmine.objectContaining({ file: 'browser.cjs', name: 'FetchUnavailableError', code: 'ERR_FETCH_UNAVAILABLE', reason: 'unavailable' }));
    expect(result['message']).toContain('pass options.fetch');
    expect(result['states']).toEqual(['authenticating', 'error']);
    expect(server.log).toEqual([]);
  }, 20_000);

  it('isRxBearerError recognises its FetchUnavailableError by code, also from the other copy of the package (ESM and CJS loaded together)', async () => {
    const script = `
      delete globalThis.fetch;
      const { createRequire } = await import('node:module');
      const cjs = createRequire(process.cwd() + '/')('rx-bearer');
      const esm = await import('rx-bearer');
      const { firstValueFrom } = await import('rxjs');
      const auth = cjs.createBearerAuth({ apiKey: 'test-api-key', baseUrl: process.env.BASE_URL });
      const error = await firstValueFrom(auth.json('/videos')).catch((caught) => caught);
      auth.dispose();
      console.log(JSON.stringify({
        twoCopies: esm.AuthError !== cjs.AuthError && !(error instanceof esm.AuthError),
        code: error.code,
        anyOfOurs: esm.isRxBearerError(error),
        byCode: esm.isRxBearerError(error, 'ERR_FETCH_UNAVAILABLE'),
        asAuthCode: esm.isRxBearerError(error, 'ERR_AUTH'),
        sameCopyIsAuthError: error instanceof cjs.AuthError,
      }));
    `;
    const result = await node(['--conditions=browser', '--input-type=module', '-e', script]);
    expect(result).toEqual({ twoCopies: true, code: 'ERR_FETCH_UNAVAILABLE', anyOfOurs: true, byCode: true, asAuthCode: false, sameCopyIsAuthError: true });
    expect(server.log).toEqual([]);
  }, 20_000);

  it('the browser build works with the fetch passed in options', async () => {
    const result = await node(['--conditions=browser', '-e', withoutFetch("fetch: require('cross-fetch')")]);
    expect(result).toEqual(jasmine.objectContaining({ file: 'browser.cjs', data: [] }));
  }, 20_000);
});
