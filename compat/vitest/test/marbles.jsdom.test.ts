// @vitest-environment jsdom
// The README's marble example, in a browser-like environment with the node-free marble helpers.
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { createBearerAuth, type BearerAuth } from 'rx-bearer';
import { createMarbleTransport } from 'rx-bearer/testing/marbles';

const signInStatus = (auth: BearerAuth) => auth.token$.pipe(map((token) => (token ? 'signed in' : 'signing in…')));

describe('signInStatus (jsdom)', () => {
  it('runs in a browser-like environment', () => {
    expect(typeof window).toBe('object');
  });

  it('says "signing in…" until the login answers, and again when a refresh fails and the token expires', () => {
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
