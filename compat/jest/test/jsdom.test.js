/**
 * @jest-environment jsdom
 */
// Jest with jsdom resolves the package's browser condition and cannot load ESM from it; jsdom has no fetch.
const { map } = require('rxjs');
const { TestScheduler } = require('rxjs/testing');
const { firstValueFrom } = require('rxjs');
const { createBearerAuth, FetchUnavailableError } = require('rx-bearer');
const { createMarbleTransport } = require('rx-bearer/testing/marbles');

const signInStatus = (auth) => auth.token$.pipe(map((token) => (token ? 'signed in' : 'signing in…')));

describe('rx-bearer under Jest with jsdom', () => {
  it('loads the browser build through require()', () => {
    expect(require.resolve('rx-bearer')).toMatch(/browser\.cjs$/);
    expect(typeof window).toBe('object');
  });

  it('fails the first call at once, saying to pass options.fetch, where there is no fetch', async () => {
    expect(typeof globalThis.fetch).toBe('undefined');
    // A browser gets its tokens from the app's own endpoint (the API key stays on a server).
    const auth = createBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video', retry: { initialDelay: 600000, maxDelay: 600000 } });
    try {
      const failure = await firstValueFrom(auth.json('/videos')).catch((error) => error);
      expect(failure).toBeInstanceOf(FetchUnavailableError);
      expect(failure.message).toContain('pass options.fetch');
    } finally {
      auth.dispose();
    }
  });

  it('runs the README marble example', () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers);
      transport.answerLogin('---(t|)', { t: { token_type: 'Bearer', expires_in: 10, access_token: 'a', refresh_token: 'r' } });
      transport.answerRefresh('-#', {}, { status: 503 });
      const auth = createBearerAuth({ apiKey: 'test', transport, scheduler, retry: { maxAttempts: 1 } });
      helpers.expectObservable(signInStatus(auth), '^ 10s !').toBe('w--s 9996ms w', { w: 'signing in…', s: 'signed in' });
      scheduler.schedule(() => {
        expect(transport.calls).toEqual({ login: 1, refresh: 1 });
        auth.dispose();
      }, 20_000);
    });
  });
});
