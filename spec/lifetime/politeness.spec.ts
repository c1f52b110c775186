import { firstValueFrom, of, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { AuthError, createBearerAuth, HttpError, type BearerAuth, type BearerAuthOptions } from '../../src/index.js';
import { createMarbleTransport } from '../../src/testing/marbles.js';
import { createTestScheduler, numberedTokenResponse } from '../helpers/marbles.js';

/** Work only while wanted, and be polite whatever the options and the server say (virtual time). */
describe('lifetime and politeness (virtual time)', () => {
  let scheduler: TestScheduler;
  const t = (n: number, expiresIn = 10) => ({ t: numberedTokenResponse(n, expiresIn) });
  const http = (status: number, headers: Record<string, string> = {}) => new HttpError({ status, url: 'http://auth.test', headers });
  const make = (transport: BearerAuthOptions['transport'], extra: Partial<BearerAuthOptions> = {}) =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5 }, ...extra });
  /** Actions the scheduler would still run: timers somebody left behind. */
  const scheduledActions = () => scheduler.actions.filter((action) => !action.closed).length;

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('leaves no timer scheduled after the last token$ subscriber leaves, and sends nothing more', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport);
      const subscription = auth.token$.subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 5);
      scheduler.schedule(() => expect(scheduledActions()).toBe(1), 6); // only this test's own dispose, below
      // Ten minutes of 10 s tokens with nobody listening: no refresh at all.
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual([]);
        auth.dispose();
      }, 600_000);
    });
  });

  it('keeps no timer running for a request outside the scope: it carries no token', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const fetch: typeof globalThis.fetch = () => new Promise<Response>(() => {}); // never answers (and is called after this virtual run)
      const auth = make(transport, { fetch });
      const subscription = auth.token$.subscribe();
      scheduler.schedule(() => subscription.unsubscribe(), 5);
      // A request to another origin, under way for ten minutes of 10 s tokens: no refresh on its account.
      scheduler.schedule(() => auth.fetch('https://cdn.example.com/a.json').subscribe({ error: () => {} }), 6); // dispose() ends it
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual([]);
        auth.dispose();
      }, 600_000);
    });
  });

  it('sends no auth call after a failed request when nobody is left (no background loop)', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      for (let i = 0; i < 2; i++) transport.answerLogin('-#', undefined, http(503));
      const auth = make(transport, { retry: { maxAttempts: 2, initialDelay: 0, maxDelay: 0, random: () => 0 } });
      auth.authorize((token) => of(token)).subscribe({ error: () => undefined });
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(2);
        expect(scheduledActions()).toBe(1); // only this test's own check, below
      }, 10);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(2);
        auth.dispose();
      }, 3_600_000);
    });
  });

  it('after a failed cycle the next use tries again', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(503));
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport, { retry: { maxAttempts: 1 } });
      expectObservable(auth.authorize((token) => of(token)), '^').toBe('-#', undefined, jasmine.any(AuthError));
      expectObservable(auth.authorize((token) => of(token)), '5ms ^').toBe('5ms -(a|)', { a: 'access-1' });
      scheduler.schedule(() => expect(transport.calls.login).toBe(2), 10);
      scheduler.schedule(() => auth.dispose(), 20);
    });
  });

  it('asks again with a rejected key at most once a second, however many requests come one after another', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(401));
      transport.answerLogin('-#', undefined, http(401));
      transport.answerLogin('-(t|)', t(1)); // the key was fixed on the server meanwhile
      const auth = make(transport);
      const seen: string[] = [];
      const request = () =>
        auth.authorize((token) => of(token)).subscribe({
          next: (token) => seen.push(`${scheduler.now()}: ${token}`),
          error: (error: AuthError) => seen.push(`${scheduler.now()}: ${error.reason}`),
        });
      // One request every 10 ms for two and a half seconds.
      for (let at = 0; at <= 2500; at += 10) scheduler.schedule(request, at);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(3); // at 0, after 1 s, after 2 s: not 250
        expect(seen.filter((line) => line.endsWith('rejected')).length).toBe(200); // 0 to 1,990 ms, each told at once (or by its login)
        expect(seen.filter((line) => line.endsWith('access-1'))[0]).toBe('2001: access-1'); // the request at 2,000 ms logged in
        auth.dispose();
      }, 3000);
    });
  });

  it('does not retry a rejected key by itself, even long after retry.maxDelay, while someone listens', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(401));
      const auth = make(transport, { retry: { maxDelay: 1000 } });
      auth.state$.subscribe();
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(1);
        expect(auth.state$).toBeDefined();
        auth.dispose();
      }, 60_000);
    });
  });

  it('starts at most one cycle a second on its own, however short the tokens live', () => {
    scheduler.run(({ cold }) => {
      const shortLived = () => ({ t: { ...numberedTokenResponse(1), expires_in: 1e-9 } });
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', shortLived());
      for (let i = 0; i < 40; i++) transport.answerRefresh('-(t|)', shortLived());
      const auth = make(transport);
      const subscription: Subscription = auth.token$.subscribe();
      scheduler.schedule(() => {
        subscription.unsubscribe();
        // 10 virtual seconds: the login at 0, then at most one refresh a second.
        expect(transport.calls.login + transport.calls.refresh).toBeLessThanOrEqual(11);
        expect(transport.calls.refresh).toBeGreaterThanOrEqual(9); // and still keeps trying
        auth.dispose();
      }, 10_000);
    });
  });

  it("holds every caller back until the server's Retry-After has passed, failing them at once with the remaining wait", () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, http(429, { 'retry-after': '3600' }));
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport);
      const errors: unknown[] = [];
      auth.authorize((token) => of(token)).subscribe({ error: (error: unknown) => errors.push(error) });
      for (let i = 1; i <= 10; i++) {
        scheduler.schedule(() => auth.authorize((token) => of(token)).subscribe({ error: (error: unknown) => errors.push(error) }), i * 100);
      }
      scheduler.schedule(() => auth.refresh().subscribe({ error: (error: unknown) => errors.push(error) }), 2000);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(1);
        expect(errors.length).toBe(12);
        expect(errors.every((error) => error instanceof AuthError && error.reason === 'rate-limited')).toBeTrue();
        const last = errors[11] as AuthError;
        expect(last.retryAfter).toBe(3_600_000 - 2000 + 1);
      }, 2001);
      // After the wait, the next use logs in.
      scheduler.schedule(() => auth.authorize((token) => of(token)).subscribe(), 3_600_002);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(2);
        auth.dispose();
      }, 3_600_010);
    });
  });

  it('never sends a refresh token the server rejected again: the next cycle logs in', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerLogin('-#', undefined, http(503));
      transport.answerLogin('-(t|)', t(2));
      transport.answerRefresh('-#', undefined, http(400));
      const auth = make(transport, { retry: { maxAttempts: 1 } });
      const use = () => auth.authorize((token) => of(token)).subscribe({ error: () => undefined });
      use();
      scheduler.schedule(() => auth.refresh().subscribe({ error: () => undefined }), 5); // refresh rejected, login 503
      scheduler.schedule(use, 2000); // the next use tries again (after the one-second floor)
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual(['refresh-1']);
        expect(transport.calls.login).toBe(3);
        auth.dispose();
      }, 2010);
    });
  });

  it('gives a new subscriber null rather than a token that expired while nobody listened, and reading auth.token changes nothing', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      const first = auth.token$.subscribe();
      scheduler.schedule(() => first.unsubscribe(), 5);
      const seen: Array<string | null> = [];
      scheduler.schedule(() => {
        expect(auth.token).toBeNull(); // expired at 10 s; nobody was listening, so no timer dropped it
        expect(JSON.parse(JSON.stringify(auth))).toEqual({ status: 'authenticated', expiresAt: 10_000 }); // the read changed nothing
        auth.token$.subscribe((token) => seen.push(token));
      }, 20_000);
      scheduler.schedule(() => {
        expect(seen).toEqual([null, 'access-2']);
        auth.dispose();
      }, 20_010);
    });
  });

  it('refreshes ahead in the background when a request finds its token inside the lead window, and uses that token', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1, 100));
      transport.answerRefresh('-(t|)', t(2, 100));
      const auth = make(transport, { refreshLeadTime: 10_000 });
      const used: string[] = [];
      const use = () => auth.authorize((token) => of(token)).subscribe((token) => used.push(token));
      use();
      scheduler.schedule(use, 95_000); // inside the 10 s lead window, nobody subscribed in between
      scheduler.schedule(use, 95_010);
      scheduler.schedule(() => {
        expect(used).toEqual(['access-1', 'access-1', 'access-2']);
        expect(transport.refreshTokens).toEqual(['refresh-1']);
        auth.dispose();
      }, 95_020);
    });
  });
});

describe('the caller signal (virtual time)', () => {
  it('an already-aborted signal sends nothing and starts no login; the rejection is the reason', async () => {
    let logins = 0;
    let fetches = 0;
    const auth: BearerAuth = createBearerAuth({
      apiKey: 'k',
      transport: { login: () => (logins++, of(numberedTokenResponse(1))), refresh: () => of(numberedTokenResponse(2)) },
      fetch: (async () => (fetches++, new Response('{}'))) as unknown as typeof fetch,
    });
    const reason = new Error('gone');
    const controller = new AbortController();
    controller.abort(reason);
    await expectAsync(firstValueFrom(auth.json('/videos', { signal: controller.signal }))).toBeRejectedWith(reason);
    expect([logins, fetches]).toEqual([0, 0]);
    auth.dispose();
  });
});
