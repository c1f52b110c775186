import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The browser branch's two builds, as a bundler resolves them (Node's
 * --conditions stand in for the bundler's): `development` keeps the full
 * messages and the option type checks; the default (production) one is
 * shorter, and still refuses every bad URL and an apiKey in a page, with
 * the same error classes and codes. Runs on dist/, so after the build.
 */
const script = `
  const lib = await import('rx-bearer');
  const { createBearerAuth, AuthError, DisposedError, HttpError, NetworkError, InvalidTokenResponseError, isRxBearerError } = lib;
  const thrown = (options) => { try { createBearerAuth(options); return null; } catch (e) { return { type: e instanceof TypeError, message: e.message }; } };
  const out = {
    file: import.meta.resolve('rx-bearer').split('/').pop(),
    timeout: thrown({ apiKey: 'k', requestTimeout: 0 }),
    http: thrown({ apiKey: 'k', baseUrl: 'http://example.com' }),
    credentials: thrown({ apiKey: 'k', baseUrl: 'https://user:pw@example.com' }),
    fetch: thrown({ apiKey: 'k', fetch: 'nope' }),
    refreshOn: thrown({ apiKey: 'k', refreshOn: 'never' }),
    fetchUnavailableCode: [lib.FetchUnavailableError.code, new lib.FetchUnavailableError().code],
    codes: [new AuthError('rejected', 'x'), new DisposedError(), new NetworkError('u'), new InvalidTokenResponseError('x'), new HttpError({ status: 500, url: 'u' })]
      .map((e) => [e.name, e.code, e instanceof lib.RxBearerError, isRxBearerError(e, e.code)]),
  };
  // What a failed login and a foreign 401 say in this build, over HTTP against the test server on 127.0.0.1.
  const { firstValueFrom } = await import('rxjs');
  const { createApiVideoTestServer } = await import('rx-bearer/testing');
  const [server, other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
  const failed = (observable) => firstValueFrom(observable).then(() => null, (e) => e.message);
  const lost = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url + '/v1', retry: { maxAttempts: 1 } });
  const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
  out.notFound = (await failed(lost.refresh())).replace(server.url, 'URL');
  out.foreign = (await failed(auth.json(other.url + '/videos'))).replace(other.url, 'URL');
  lost.dispose();
  auth.dispose();
  await Promise.all([server.close(), other.close()]);
  globalThis.window = {};
  out.page = thrown({ apiKey: 'k' });
  out.pageAllowed = thrown({ apiKey: 'k', dangerouslyAllowBrowser: true });
  console.log(JSON.stringify(out));
`;

async function load(conditions: string[]) {
  const { stdout } = await run(process.execPath, [...conditions.map((c) => `--conditions=${c}`), '--input-type=module', '-e', script], { timeout: 15_000 });
  return JSON.parse(stdout);
}

const codes = [
  ['AuthError', 'ERR_AUTH', true, true],
  ['DisposedError', 'ERR_DISPOSED', true, true],
  ['NetworkError', 'ERR_NETWORK', true, true],
  ['InvalidTokenResponseError', 'ERR_INVALID_TOKEN_RESPONSE', true, true],
  ['HttpError', 'ERR_HTTP', true, true],
];

describe('the browser builds (development and production conditions)', () => {
  it('development: the full messages and the option type checks', async () => {
    const out = await load(['browser', 'development']);
    expect(out.file).toBe('browser.development.mjs');
    expect(out.timeout).toEqual({ type: true, message: '"requestTimeout" option must be a finite number >= 1 and <= 2147483647' });
    expect(out.http.message).toContain('the token would travel in clear over http');
    expect(out.fetch).toEqual({ type: true, message: '"fetch" option must be a function' });
    expect(out.refreshOn).toEqual({ type: true, message: `"refreshOn" option must be 'timer', 'unauthorized' or 'both'` });
    expect(out.page.message).toMatch(/anyone who opens the page can read it/);
    expect(out.codes).toEqual(codes);
    expect(out.fetchUnavailableCode).toEqual(['ERR_FETCH_UNAVAILABLE', 'ERR_FETCH_UNAVAILABLE']);
    expect(out.notFound).toBe('No auth route at URL/v1/auth/api-key (HTTP 404): check baseUrl, the root of the API (e.g. https://ws.api.video)');
    expect(out.foreign).toBe('HTTP 401 Unauthorized from URL/videos (rx-bearer sent no token: this origin is outside the credential scope; add it to allowedOrigins to send one)');
  }, 20_000);

  it('production (the default): short messages, every URL and credential check, the same classes and codes', async () => {
    const out = await load(['browser']);
    expect(out.file).toBe('browser.mjs');
    expect(out.timeout).toEqual({ type: true, message: '"requestTimeout" option is invalid' });
    expect(out.http).toEqual({ type: true, message: '"baseUrl" option must be https' });
    expect(out.credentials).toEqual({ type: true, message: '"baseUrl" option is invalid' });
    expect(out.fetch).toBeNull(); // a type check TypeScript makes: left out of this build
    // An unknown refreshOn would silently mean 'both' (it did): every build refuses it.
    expect(out.refreshOn).toEqual({ type: true, message: '"refreshOn" option is invalid' });
    expect(out.fetchUnavailableCode).toEqual(['ERR_FETCH_UNAVAILABLE', 'ERR_FETCH_UNAVAILABLE']);
    // The same facts, shorter: the route that is not there and the option to check; no token sent, and where to allow it.
    expect(out.notFound).toBe('No auth route at URL/v1/auth/api-key (HTTP 404): check baseUrl');
    expect(out.foreign).toBe('HTTP 401 Unauthorized from URL/videos (no token sent: see allowedOrigins)');
    expect(out.page.type).toBeTrue();
    expect(out.page.message).toMatch(/tokenUrl.*dangerouslyAllowBrowser/);
    expect(out.pageAllowed).toBeNull();
    expect(out.codes).toEqual(codes);
  }, 20_000);

  it("Node's import keeps the full build whatever the bundle size", async () => {
    const out = await load([]);
    expect(out.file).toBe('index.mjs');
    expect(out.timeout.message).toContain('must be a finite number >= 1');
    expect(out.fetch).toEqual({ type: true, message: '"fetch" option must be a function' });
  }, 20_000);
});
