import type { TestScheduler } from 'rxjs/testing';
import { AuthError, createBearerAuth, DisposedError, type BearerAuth, type BearerAuthOptions } from '../src/index.js';
import { normalizeOptions } from '../src/options.js';
import { createMarbleTransport } from '../src/testing/marbles.js';
import { createTokenEngine } from '../src/token-engine.js';
import { createTestScheduler, numberedTokenResponse } from './helpers/marbles.js';

describe('token engine (virtual time)', () => {
  let scheduler: TestScheduler;
  const t = (n: number, expiresIn = 10) => ({ t: numberedTokenResponse(n, expiresIn) });
  const make = (transport: BearerAuthOptions['transport'], extra: Partial<BearerAuthOptions> = {}) =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5 }, ...extra });
  const disposeAt = (auth: BearerAuth, frame: number) => scheduler.schedule(() => auth.dispose(), frame);

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('sends nothing before the first subscriber, then one login for all of them', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      const login = transport.answerLogin('--(t|)', t(1));
      const auth = make(transport);
      expect(transport.calls.login).toBe(0);
      const values = { n: null, a: 'access-1' };
      expectObservable(auth.token$, '5ms ^').toBe('5ms n-a 92ms |', values);
      expectObservable(auth.token$, '6ms ^').toBe('6ms na 92ms |', values);
      expectObservable(auth.authorize((token) => cold('(x|)', { x: token })), '6ms ^').toBe('7ms (a|)', values);
      expectSubscriptions(login.subscriptions).toBe('5ms ^-!');
      disposeAt(auth, 100);
    });
  });

  it('gives a late subscriber the current token at once and lets no one push into token$', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const auth = make(transport);
      expectObservable(auth.state$, '^ 3ms !').toBe('a b', {
        a: { status: 'authenticating' },
        b: { status: 'authenticated', expiresAt: 10_000 },
      });
      expectObservable(auth.token$, '50ms ^').toBe('50ms a 49ms |', { a: 'access-1' });
      scheduler.schedule(() => expect(auth.token).toBe('access-1'), 40);
      expect('next' in auth.token$).toBe(false);
      disposeAt(auth, 100);
    });
  });

  it('refreshes at expiresAt - refreshLeadTime, measured from when the login was sent', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // 300 s tokens, 60 s lead: the login is sent at 0 and answers at 4 ms; expiry counts from 0.
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('----(t|)', t(1, 300));
      const refreshes = [transport.answerRefresh('-(t|)', t(2, 300)), transport.answerRefresh('-(t|)', t(3, 300))];
      const auth = make(transport);
      expectObservable(auth.token$).toBe('n 3ms a 239996ms b 239999ms c 19998ms |', { n: null, a: 'access-1', b: 'access-2', c: 'access-3' });
      expectSubscriptions(refreshes[0]!.subscriptions).toBe('240000ms ^!');
      expectSubscriptions(refreshes[1]!.subscriptions).toBe('480000ms ^!');
      disposeAt(auth, 500_000);
      scheduler.flush();
      expect(transport.refreshTokens).toEqual(['refresh-1', 'refresh-2']);
    });
  });

  it('never refreshes earlier than half the token lifetime', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport, { refreshLeadTime: 60_000 });
      auth.token$.subscribe();
      expectSubscriptions(refresh.subscriptions).toBe('5000ms ^!');
      disposeAt(auth, 6000);
    });
  });

  it('emits null when the token expires without a replacement, and refreshes on the next use', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport, { refreshOn: 'unauthorized' });
      expectObservable(auth.token$).toBe('na 9998ms n 9999ms - b 4998ms |', { n: null, a: 'access-1', b: 'access-2' });
      expectObservable(auth.state$.pipe()).toBe('ab 9998ms c 9999ms de 4998ms |', {
        a: { status: 'authenticating' },
        b: { status: 'authenticated', expiresAt: 10_000 },
        c: { status: 'idle', expiresAt: 10_000 },
        d: { status: 'refreshing', expiresAt: 10_000 },
        e: { status: 'authenticated', expiresAt: 30_000 },
      });
      expectObservable(auth.authorize((token) => cold('(x|)', { x: token })), '20000ms ^').toBe('20001ms (b|)', { b: 'access-2' });
      disposeAt(auth, 25_000);
      scheduler.flush();
      expect(transport.refreshTokens).toEqual(['refresh-1']);
    });
  });

  it('forces a refresh with refresh(), shared by concurrent callers', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('--(t|)', t(2));
      const auth = make(transport);
      auth.token$.subscribe();
      expectObservable(auth.refresh(), '100ms ^').toBe('102ms (b|)', { b: 'access-2' });
      expectObservable(auth.refresh(), '101ms ^').toBe('102ms (b|)', { b: 'access-2' });
      expectSubscriptions(refresh.subscriptions).toBe('100ms ^-!');
      disposeAt(auth, 200);
    });
  });

  it('dispose() cancels the login in flight, completes token$ and state$, and fails later calls', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      const login = transport.answerLogin('-----(t|)', t(1));
      const auth = make(transport);
      expectObservable(auth.token$).toBe('n-|', { n: null });
      expectObservable(auth.state$).toBe('a-|', { a: { status: 'authenticating' } });
      expectObservable(auth.authorize((token) => cold('(x|)', { x: token }))).toBe('--#', undefined, jasmine.any(DisposedError));
      expectObservable(auth.refresh(), '3ms ^').toBe('3ms #', undefined, jasmine.any(DisposedError));
      expectSubscriptions(login.subscriptions).toBe('^-!');
      disposeAt(auth, 2);
    });
  });

  it('dispose() during a backoff wait sends nothing more', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-#', undefined, Object.assign(new Error('down'), { status: 503 }));
      const never = transport.answerLogin('-(t|)', t(1));
      const auth = make(transport);
      auth.token$.subscribe();
      disposeAt(auth, 100); // the retry was due at 1 + 250 ms
      expectSubscriptions(never.subscriptions).toBe([]);
    });
  });
  it('refreshes a token that lives longer than setTimeout allows (2^31 - 1 ms) exactly on time', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const thirtyDays = 30 * 24 * 3600;
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1, thirtyDays));
      const refresh = transport.answerRefresh('-(t|)', t(2, thirtyDays));
      // A scheduler that notes every delay asked of it: none may exceed what setTimeout accepts.
      const delays: number[] = [];
      const recording = {
        now: () => scheduler.now(),
        schedule: ((work, delay = 0, state) => (delays.push(delay), scheduler.schedule(work, delay, state))) as typeof scheduler.schedule,
      };
      const auth = make(transport, { scheduler: recording });
      auth.token$.subscribe();
      expectSubscriptions(refresh.subscriptions).toBe(`${thirtyDays * 1000 - 60_000}ms ^!`);
      disposeAt(auth, thirtyDays * 1000);
      scheduler.flush();
      expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    });
  });

  it('turns a transport that throws instead of returning an Observable into an AuthError', () => {
    scheduler.run(({ expectObservable }) => {
      const transport = {
        login: () => {
          throw new Error('transport bug');
        },
        refresh: () => {
          throw new Error('transport bug');
        },
      };
      const auth = make(transport, { retry: { maxAttempts: 1 } });
      expectObservable(auth.json('/videos')).toBe('#', undefined, jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'unavailable' }));
      disposeAt(auth, 10);
    });
  });
  it('starts the refresh at once when the login answered after the planned refresh time', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      // A 10 s token whose login took 6 s: the refresh was due at 5 s.
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('6s (t|)', t(1));
      const refresh = transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      auth.token$.subscribe();
      expectSubscriptions(refresh.subscriptions).toBe('6000ms ^!');
      disposeAt(auth, 7000);
    });
  });
  it('lets code that reacts to a new token (even synchronously) start the next refresh at once', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('-(t|)', t(2));
      const auth = make(transport);
      let asked = false;
      auth.state$.subscribe((state) => {
        if (state.status === 'authenticated' && !asked) {
          asked = true;
          auth.refresh().subscribe();
        }
      });
      expectSubscriptions(refresh.subscriptions).toBe('-^!');
      disposeAt(auth, 10);
    });
  });
});

/** The lifecycle the request side uses, on the engine itself: current, next, renewable, refused. */
describe('token engine lifecycle (virtual time)', () => {
  let scheduler: TestScheduler;
  const engineOf = (transport: NonNullable<BearerAuthOptions['transport']>) =>
    createTokenEngine(normalizeOptions({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5, maxAttempts: 1 } }));
  const unclosed = () => scheduler.actions.filter((action) => !action.closed).length;

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('refused(current token) drops it and brings the next one after one refresh; refused(a stale one) brings the current one, no refresh', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', { t: numberedTokenResponse(1) });
      transport.answerRefresh('--(t|)', { t: numberedTokenResponse(2) });
      const engine = engineOf(transport);
      const seen: string[] = [];
      engine.next().subscribe((token) => seen.push(`${scheduler.now()} next ${token}`));
      scheduler.schedule(() => {
        engine.refused('access-1').subscribe((token) => seen.push(`${scheduler.now()} refused(1) ${token}`));
        expect(engine.current()).toBeNull(); // dropped at once
      }, 10);
      scheduler.schedule(() => engine.refused('access-1').subscribe((token) => seen.push(`${scheduler.now()} late refused(1) ${token}`)), 20);
      scheduler.schedule(() => {
        expect(seen).toEqual(['1 next access-1', '12 refused(1) access-2', '20 late refused(1) access-2']);
        expect(transport.calls.refresh).toBe(1);
        engine.dispose();
      }, 30);
    });
  });

  it('renewable(token): a stale token always; the current one only while the budget allows a cycle', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const engine = engineOf(transport);
      engine.next().subscribe();
      scheduler.schedule(() => {
        expect(engine.renewable('some-older-token')).toBeTrue();
        const current = engine.current()!;
        expect(engine.renewable(current)).toBeTrue();
        engine.refused(current).subscribe(); // a second cycle
      }, 10);
      scheduler.schedule(() => engine.refused(engine.current()!).subscribe(), 20); // a third: the burst is spent
      scheduler.schedule(() => {
        expect(engine.renewable(engine.current()!)).toBeFalse();
        expect(engine.renewable('some-older-token')).toBeTrue();
      }, 30);
      scheduler.schedule(() => {
        expect(engine.renewable(engine.current()!)).toBeTrue(); // a second after the first cycle
        engine.dispose();
      }, 1000);
    });
  });

  it('current() with a token at hand schedules nothing, and nobody holding the engine leaves no timer', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const engine = engineOf(transport);
      engine.next().subscribe();
      scheduler.schedule(() => {
        const before = unclosed();
        for (let i = 0; i < 100; i++) expect(engine.current()).not.toBeNull();
        expect(unclosed()).toBe(before);
        expect(before).toBe(1); // only the check below
      }, 10);
      scheduler.schedule(() => engine.dispose(), 20);
    });
  });
});

describe('token engine, a transport that fails the same way twice (virtual time)', () => {
  it('a request waiting on a cycle that fails with the very same AuthError instance as the last one is told, not left waiting', () => {
    const scheduler = createTestScheduler();
    scheduler.run(({ cold }) => {
      const same = new AuthError('unavailable', 'down');
      const transport = { login: () => cold<never>('-#', undefined, same), refresh: () => cold<never>('-#', undefined, same) };
      const auth = createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { maxAttempts: 1 } });
      const outcomes: string[] = [];
      const use = () => auth.authorize((token) => cold('(x|)', { x: token })).subscribe({ error: (e: AuthError) => outcomes.push(`${scheduler.now()} ${e === same}`) });
      use();
      scheduler.schedule(use, 2000);
      scheduler.schedule(() => {
        expect(outcomes).toEqual(['1 true', '2001 true']);
        auth.dispose();
      }, 2100);
    });
  });
});
