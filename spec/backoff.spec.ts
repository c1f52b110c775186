import type { TestScheduler } from 'rxjs/testing';
import { AuthError, createBearerAuth, HttpError, type BearerAuthOptions } from '../src/index.js';
import { backoffDelay } from '../src/backoff.js';
import { createMarbleTransport } from '../src/testing/marbles.js';
import { createTestScheduler, numberedTokenResponse } from './helpers/marbles.js';

describe('retries and backoff (virtual time)', () => {
  let scheduler: TestScheduler;
  const t = (n: number) => ({ t: numberedTokenResponse(n) });
  const http = (status: number, headers: Record<string, string> = {}) => new HttpError({ status, url: 'http://auth.test', headers });
  const make = (transport: BearerAuthOptions['transport'], extra: Partial<BearerAuthOptions> = {}) =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, ...extra, retry: { random: () => 0.5, ...extra.retry } });

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('computes full-jitter exponential delays capped at maxDelay', () => {
    const options = { maxAttempts: 9, initialDelay: 500, maxDelay: 3000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, { ...options, random: () => 0.9 }))).toEqual([450, 900, 1800, 2700, 2700]);
    expect(backoffDelay(3, { ...options, random: () => 0 })).toBe(0);
  });

  it('retries transient failures with growing delays, then succeeds', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      const attempts = [
        transport.answerLogin('-#', undefined, http(503)),
        transport.answerLogin('-#', undefined, new Error('socket hang up')),
        transport.answerLogin('-(t|)', t(1)),
      ];
      const auth = make(transport);
      expectObservable(auth.token$, '^ 800ms !').toBe('n 752ms a', { n: null, a: 'access-1' });
      expectSubscriptions(attempts[1]!.subscriptions).toBe('251ms ^!'); // failed at 1, +250 (0.5 x 500)
      expectSubscriptions(attempts[2]!.subscriptions).toBe('752ms ^!'); // failed at 252, +500 (0.5 x 1000)
      scheduler.schedule(() => auth.dispose(), 900);
    });
  });

  for (const [label, headers, retryAt] of [
    ['Retry-After in seconds', { 'retry-after': '3' }, 3001],
    ['Retry-After as an HTTP date', { 'retry-after': new Date(5000).toUTCString() }, 5000],
    ["api.video's X-RateLimit-Retry-After", { 'x-ratelimit-retry-after': '2' }, 2001],
  ] as const) {
    it(`waits at least as long as ${label} asks`, () => {
      scheduler.run(({ cold, expectSubscriptions }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-#', undefined, http(429, headers));
        const second = transport.answerLogin('-(t|)', t(1));
        const auth = make(transport);
        auth.token$.subscribe();
        expectSubscriptions(second.subscriptions).toBe(`${retryAt}ms ^!`);
        scheduler.schedule(() => auth.dispose(), 6000);
      });
    });
  }

  it("retries a 503 that carries api.video's X-RateLimit-Retry-After (the window's reset, sent on every answer) after the plain backoff, not after it", () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(503, { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '58', 'x-ratelimit-retry-after': '59' }));
      const second = transport.answerLogin('-(t|)', t(1));
      const auth = make(transport);
      auth.token$.subscribe();
      expectSubscriptions(second.subscriptions).toBe('251ms ^!'); // failed at 1, +250 (0.5 x 500): not held 59 s
      scheduler.schedule(() => auth.dispose(), 1000);
    });
  });

  it('gives up at once when Retry-After exceeds maxDelay', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(429, { 'retry-after': '3600' }));
      const auth = make(transport);
      expectObservable(auth.json('/videos')).toBe('-#', undefined, jasmine.objectContaining({ reason: 'rate-limited', status: 429 }));
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(1);
        auth.dispose();
      }, 5000);
    });
  });

  it('does not retry a rejected API key', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(401));
      const auth = make(transport);
      expectObservable(auth.state$).toBe('ab 4998ms |', {
        a: { status: 'authenticating' },
        b: { status: 'error', error: jasmine.objectContaining({ reason: 'rejected', status: 401 }) },
      }); // and nothing else until dispose() at 5 s: a rejected key is not retried by itself
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(1);
        auth.dispose();
      }, 5000);
    });
  });

  it('falls back to one login when the refresh token is rejected', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerLogin('-(t|)', t(3));
      transport.answerRefresh('-#', undefined, http(400));
      const auth = make(transport);
      expectObservable(auth.token$, '^ 6000ms !').toBe('na 4998ms --b', { n: null, a: 'access-1', b: 'access-3' });
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual(['refresh-1']);
        expect(transport.calls.login).toBe(2);
        auth.dispose();
      }, 6500);
    });
  });

  it('after the retries run out: error state, waiting requests fail, token$ goes on, and the next request tries again', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(502));
      transport.answerLogin('-#', undefined, http(504));
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { retry: { maxAttempts: 2 } });
      const ok = (token: string) => cold('(x|)', { x: token });
      expectObservable(auth.token$, '^ 400ms !').toBe('n 300ms a', { n: null, a: 'access-1' });
      expectObservable(auth.state$, '^ 400ms !').toBe('a 251ms b 47ms cd', {
        a: { status: 'authenticating' },
        b: { status: 'error', error: jasmine.objectContaining({ reason: 'unavailable', status: 504 }) },
        c: { status: 'authenticating' },
        d: { status: 'authenticated', expiresAt: 10_300 },
      });
      expectObservable(auth.authorize(ok)).toBe('252ms #', undefined, jasmine.any(AuthError));
      expectObservable(auth.authorize(ok), '300ms ^').toBe('301ms (x|)', { x: 'access-1' });
      scheduler.schedule(() => auth.dispose(), 500);
    });
  });

  it('retries an invalid token response and reports it when it persists', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const bad = { token_type: 'Bearer', expires_in: 'soon', access_token: 'x', refresh_token: 'y' };
      const transport = createMarbleTransport({ cold }, { strict: true });
      for (let i = 0; i < 3; i++) transport.answerLogin('-(b|)', { b: bad as never });
      const auth = make(transport, { retry: { maxAttempts: 3 } });
      expectObservable(auth.json('/videos')).toBe('753ms #', undefined, jasmine.objectContaining({ reason: 'invalid-response' }));
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(3);
        auth.dispose();
      }, 5000);
    });
  });

  it('cancels an auth call after requestTimeout and retries it', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      const hanging = transport.answerLogin('-');
      const second = transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { requestTimeout: 1000 });
      auth.token$.subscribe();
      expectSubscriptions(hanging.subscriptions).toBe('^ 999ms !');
      expectSubscriptions(second.subscriptions).toBe('1250ms ^!');
      scheduler.schedule(() => auth.dispose(), 2000);
    });
  });
  it('tries again by itself retry.maxDelay after the retries ran out, so token$ recovers without a request', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(503));
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { retry: { maxAttempts: 1, maxDelay: 30_000 } });
      expectObservable(auth.token$, '^ 40s !').toBe('n 30001ms a', { n: null, a: 'access-1' }); // failed at 1, sent again at 30001, answered at 30002
      scheduler.schedule(() => auth.dispose(), 50_000);
    });
  });

  it('waits a longer Retry-After before trying again by itself', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(429, { 'retry-after': '120' }));
      const second = transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { retry: { maxDelay: 30_000 } });
      auth.token$.subscribe();
      expectSubscriptions(second.subscriptions).toBe('120001ms ^!');
      scheduler.schedule(() => auth.dispose(), 130_000);
    });
  });
});
