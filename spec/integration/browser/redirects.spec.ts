import { useBrowserPage, summary } from './browser-page.js';

/**
 * The browser path of the redirect rules, in Debian's headless Chromium: a
 * page on its own origin loads the built browser bundle (dist/browser.mjs,
 * npm test builds it first) and calls auth.fetch against two CORS-enabled
 * test servers, the API (A) and another origin (B). In a browser,
 * `redirect: 'manual'` answers with an opaque redirect: rx-bearer then learns
 * that this fetch follows redirects itself, sends a GET again with 'follow'
 * (the browser drops the token across origins), and fails a POST (it cannot
 * be repeated safely). Every assertion reads the servers' logs; none is timed.
 */
describe('redirects in a real browser (headless Chromium, dist/browser.mjs)', () => {
  const { env, call, via } = useBrowserPage();

  it('follows a same-origin redirect of a GET: the opaque redirect is sent again with follow, with the token all the way', async () => {
    const outcome = await call(via('/videos'));
    expect(outcome).toEqual(jasmine.objectContaining({ status: 200, redirected: true, url: `${env.api.url}/videos` }));
    // The first send (redirect: 'manual') met an opaque redirect; the second ('follow') went on to /videos.
    expect(summary(env.api.log)).toEqual([
      { method: 'POST', path: '/auth/api-key', status: 200, hadAuthorization: false },
      { method: 'GET', path: '/redirect', status: 302, hadAuthorization: true },
      { method: 'GET', path: '/redirect', status: 302, hadAuthorization: true },
      { method: 'GET', path: '/videos', status: 200, hadAuthorization: true },
    ]);
    expect(env.other.log).toEqual([]);

    // Learnt: the next redirected GET is sent once, with 'follow'.
    env.api.reset();
    expect(await call(via('/videos'))).toEqual(jasmine.objectContaining({ status: 200 }));
    expect(summary(env.api.log).map(({ path }) => path)).toEqual(['/redirect', '/videos']);
  });

  it('drops the token at a redirect to another origin, and that origin\'s 401 costs no refresh', async () => {
    const outcome = await call(via(`${env.other.url}/videos`));
    expect(outcome).toEqual(jasmine.objectContaining({ status: 401, redirected: true, url: `${env.other.url}/videos` }));
    expect(summary(env.other.log)).toEqual([{ method: 'GET', path: '/videos', status: 401, hadAuthorization: false }]);
    expect(env.api.log.filter((entry) => entry.path === '/redirect').map((entry) => entry.hadAuthorization)).toEqual([true, true]);
    expect(env.api.counts['POST /auth/refresh']).toBeUndefined();

    // Once learnt (fetch follows by itself), a 307 POST to another origin loses the token too.
    env.other.reset();
    const post = await call(via(`${env.other.url}/videos`, 307), { method: 'POST', body: '{"title":"x"}', headers: { 'content-type': 'application/json' } });
    expect(post).toEqual(jasmine.objectContaining({ status: 401 }));
    expect(summary(env.other.log)).toEqual([{ method: 'POST', path: '/videos', status: 401, hadAuthorization: false }]);
  });

  it('fails a POST redirected on the first request with a NetworkError, sent once and never repeated', async () => {
    const init = { method: 'POST', body: '{"title":"moved"}', headers: { 'content-type': 'application/json' } };
    const outcome = await call(via('/videos', 307), init);
    expect(outcome).toEqual(
      jasmine.objectContaining({
        error: 'NetworkError',
        code: 'ERR_NETWORK',
        cause: 'hidden redirect', // dist/browser.mjs is the production build: the short message (the full one in every other build)
      }),
    );
    expect(summary(env.api.log).filter(({ path }) => !path.startsWith('/auth/'))).toEqual([{ method: 'POST', path: '/redirect', status: 307, hadAuthorization: true }]);

    // From the next request on, the browser follows: the 307 keeps method, body and (same origin) the token.
    env.api.reset();
    const again = await call(via('/videos', 307), init);
    expect(again).toEqual(jasmine.objectContaining({ status: 201 }));
    expect(JSON.parse(again.body!)).toEqual(jasmine.objectContaining({ title: 'moved' }));
    expect(summary(env.api.log)).toEqual([
      { method: 'POST', path: '/redirect', status: 307, hadAuthorization: true },
      { method: 'POST', path: '/videos', status: 201, hadAuthorization: true },
    ]);
  });

  it('keeps the token dropped when a chain comes back (A -> B -> A)', async () => {
    const back = `${env.other.url}/redirect?to=${encodeURIComponent(`${env.api.url}/videos`)}`;
    const outcome = await call(via(back));
    expect(outcome).toEqual(jasmine.objectContaining({ status: 401, url: `${env.api.url}/videos` }));
    // (How many times: see browser-refresh-on-return.spec.ts, a 401 after the chain also starts a refresh and a resend.)
    expect(env.other.log.length).toBeGreaterThan(0);
    expect(env.other.log.every((entry) => !entry.hadAuthorization)).toBeTrue();
    const final = env.api.log.filter((entry) => entry.path === '/videos');
    expect(final.length).toBeGreaterThan(0);
    expect(final.every((entry) => !entry.hadAuthorization)).toBeTrue();
  });

  it('refuses a redirect from /auth/api-key: AuthError redirected, the other origin gets nothing', async () => {
    env.api.fail('POST /auth/api-key', { status: 307, count: 5, headers: { location: `${env.other.url}/auth/api-key` } });
    const outcome = await call('/videos');
    expect(outcome).toEqual(jasmine.objectContaining({ error: 'AuthError', reason: 'redirected' }));
    expect(outcome.message).not.toContain('test-api-key');
    expect(env.other.log).toEqual([]);
    expect(env.api.counts['POST /auth/api-key']).toBe(1);
  });
});
