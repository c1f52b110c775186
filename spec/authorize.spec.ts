import type { Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createBearerAuth, HttpError, type BearerAuthOptions } from '../src/index.js';
import { createMarbleTransport } from '../src/testing/marbles.js';
import { createTestScheduler, numberedTokenResponse } from './helpers/marbles.js';

describe('authorize: the 401 path (virtual time)', () => {
  let scheduler: TestScheduler;
  const t = (n: number) => ({ t: numberedTokenResponse(n, 3600) });
  const unauthorized = { status: 401, message: 'Unauthorized' };
  const make = (transport: BearerAuthOptions['transport'], extra: Partial<BearerAuthOptions> = {}) =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5 }, ...extra });

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('N concurrent 401s cause one refresh, and every request is resent once with the new token', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('--(t|)', t(2));
      const auth = make(transport);
      auth.token$.subscribe(); // logged in at 1
      const sent: string[] = [];
      const api = (token: string): Observable<string> => {
        sent.push(token);
        return token === 'access-1' ? cold('-#', undefined, unauthorized) : cold('-(x|)', { x: `ok with ${token}` });
      };
      for (let i = 0; i < 20; i++) {
        expectObservable(auth.authorize(api), '10ms ^').toBe('14ms (x|)', { x: 'ok with access-2' });
      }
      expectSubscriptions(refresh.subscriptions).toBe('11ms ^-!');
      expectObservable(auth.token$, '10ms ^ 10ms !').toBe('10ms an-b', { a: 'access-1', n: null, b: 'access-2' });
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual(['refresh-1']);
        expect(sent.filter((token) => token === 'access-2').length).toBe(20);
        auth.dispose();
      }, 50);
    });
  });

  it('requests queued behind a login share its answer, and one made while a failure is delivered waits for the next login', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('--#', undefined, new HttpError({ status: 503, url: 'http://auth.test' }));
      transport.answerLogin('---(t|)', t(1));
      const auth = make(transport, { retry: { maxAttempts: 1 } });
      const api = (token: string) => cold('-(x|)', { x: token });
      const late: string[] = [];
      // Three requests wait for the first login; a fourth, told it failed, asks again at once, while the failure is still being delivered.
      for (let i = 0; i < 3; i++) {
        expectObservable(auth.authorize(api)).toBe('--#', undefined, jasmine.objectContaining({ reason: 'unavailable' }));
      }
      auth.authorize(api).subscribe({
        error: () =>
          auth.authorize(api).subscribe({
            next: (token) => late.push(`${scheduler.now()}: ${token}`),
            error: (error: unknown) => late.push(`${scheduler.now()}: ${String(error)}`),
          }),
      });
      scheduler.schedule(() => expect(late).toEqual(['6: access-1']), 10); // login at 2, answered at 5, the API at 6
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(2);
        auth.dispose();
      }, 50);
    });
  });

  it('resends a late 401 for an older token with the newer one, without another refresh', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      const slow401 = (token: string) => (token === 'access-1' ? cold('20ms #', undefined, unauthorized) : cold('-(x|)', { x: token }));
      expectObservable(auth.authorize(slow401), '2ms ^').toBe('24ms (x|)', { x: 'access-2' });
      expectObservable(auth.refresh(), '5ms ^').toBe('6ms (b|)', { b: 'access-2' });
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual(['refresh-1']);
        auth.dispose();
      }, 50);
    });
  });

  it('hands a 401 that persists with the fresh token to the caller, after exactly one refresh', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      const tries: string[] = [];
      const always401 = (token: string) => (tries.push(token), cold('-#', undefined, unauthorized));
      expectObservable(auth.authorize(always401)).toBe('----#', undefined, unauthorized);
      scheduler.schedule(() => {
        expect(tries).toEqual(['access-1', 'access-2']);
        expect(transport.calls.refresh).toBe(1);
        auth.dispose();
      }, 50);
    });
  });

  it("passes other errors through untouched, and uses the caller's isUnauthorized", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      const forbidden = { status: 403 };
      expectObservable(auth.authorize(() => cold('-#', undefined, forbidden))).toBe('--#', undefined, forbidden);
      const custom = (token: string) => (token === 'access-1' ? cold('-#', undefined, { code: 'EXPIRED' }) : cold('(x|)', { x: token }));
      const isUnauthorized = (error: unknown) => (error as { code?: string }).code === 'EXPIRED';
      expectObservable(auth.authorize(custom, { isUnauthorized }), '10ms ^').toBe('12ms (x|)', { x: 'access-2' });
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(1);
        auth.dispose();
      }, 50);
    });
  });

  it("with refreshOn: 'timer', a 401 goes straight to the caller", () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { refreshOn: 'timer' });
      expectObservable(auth.authorize(() => cold('-#', undefined, unauthorized))).toBe('--#', undefined, unauthorized);
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(0);
        auth.dispose();
      }, 50);
    });
  });
});
