import { useBrowserPage } from './browser-page.js';

/**
 * A review's finding, now fixed (LOW: no token leaks, but a hostile redirect costs a refresh per
 * request); it failed before the fix. In a browser the fetch follows redirects
 * itself (after the first opaque redirect), so rx-bearer cannot see the
 * chain. fetch-helpers decides whether a 401 answered the token with
 * `!response.redirected || sameOrigin(response.url, target)`: a chain A -> B
 * -> A ends on A, so the 401 that Chromium earned by dropping the token at
 * the hop to B is taken for "the token is stale". Each such request then
 * refreshes (POST /auth/refresh, a new refresh token) and is sent again
 * through the same chain. An open redirect on the API, or any server on the
 * way, turns every request into a refresh. (Node is right: its own follower
 * knows the chain left the origin, hop.dropped.)
 *
 * Fix: where the fetch follows by itself (followsItself), treat a 401 on a
 * redirected answer as not carried (the chain is hidden, so the token's fate
 * is unknown): `carried = ... && !response.redirected` in that mode.
 */
describe('browser: a redirect chain that comes back to the API (A -> B -> A)', () => {
  const { env, call, via } = useBrowserPage();

  it('the 401 at its end (the browser dropped the token at B) starts no refresh and no resend', async () => {
    // Teach the page's fetch that it follows by itself, as any first redirect does.
    await call(via('/videos'));
    env.api.reset();
    env.other.reset();

    const back = `${env.other.url}/redirect?to=${encodeURIComponent(`${env.api.url}/videos`)}`;
    expect(await call(via(back))).toEqual(jasmine.objectContaining({ status: 401 }));
    expect(env.api.counts['POST /auth/refresh']).withContext('refreshes caused by the chain').toBeUndefined();
    expect(env.other.log.length).withContext('requests through B').toBe(1);
  });
});
