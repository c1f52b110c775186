import { of } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { allowedAt, fullBudget, holdUntil, spend, CYCLE_BURST, CYCLE_INTERVAL } from '../src/auth-budget.js';
import { AuthError, createBearerAuth, HttpError, type BearerAuth, type BearerAuthOptions } from '../src/index.js';
import { createMarbleTransport, type MarbleTransport } from '../src/testing/marbles.js';
import { createTestScheduler } from './helpers/marbles.js';

describe('auth budget (values)', () => {
  it('lets a caller start a burst of cycles back to back, then one a second; the engine only the sustained rate', () => {
    let budget = fullBudget;
    const starts: number[] = [];
    for (let i = 0; i < 6; i++) {
      const at = Math.max(0, allowedAt(budget, 'caller'));
      starts.push(at);
      budget = spend(budget, at);
    }
    expect(CYCLE_BURST).toBe(3);
    expect(starts).toEqual([0, 0, 0, 1000, 2000, 3000]);
    expect(allowedAt(spend(fullBudget, 0), 'engine')).toBe(CYCLE_INTERVAL);
  });

  it("holds every asker back until a Retry-After has passed, and never shortens one", () => {
    const held = holdUntil(holdUntil(fullBudget, 50_000), 10_000);
    expect(allowedAt(held, 'caller')).toBe(50_000);
    expect(allowedAt(held, 'engine')).toBe(50_000);
  });
});

/**
 * The budget binds every path that can start an auth cycle (virtual time):
 * the figures of issue 21, each measured before on the packed package.
 */
describe('auth budget, on every path (virtual time)', () => {
  let scheduler: TestScheduler;
  const http = (status: number) => new HttpError({ status, url: 'https://ws.api.video/x' });
  const make = (transport: MarbleTransport, extra: Partial<BearerAuthOptions> = {}): BearerAuth =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5, maxAttempts: 1 }, ...extra });
  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('50 routes that always answer 401, one request each: at most 3 refreshes, and each request gets its 401', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const auth = make(transport);
      const outcomes: string[] = [];
      for (let i = 0; i < 50; i++) {
        scheduler.schedule(() => auth.authorize(() => cold('-#', undefined, http(401)), { route: `GET https://ws.api.video/p${i}` }).subscribe({ error: (e: HttpError) => outcomes.push(String(e.status)) }), i * 10);
      }
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBeLessThanOrEqual(3);
        expect(outcomes.length).toBe(50);
        expect(outcomes.every((status) => status === '401')).toBeTrue();
        auth.dispose();
      }, 600);
    });
  });

  it('tokens that live 1 ms, 20 requests one after another: at most 5 auth calls in 2 s, and every request is served', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold }, { expiresIn: 0.001 });
      const auth = make(transport);
      const served: number[] = [];
      const request = () => auth.authorize((token) => of(token));
      const next = (n: number): void => {
        if (n === 20) return;
        request().subscribe({ next: () => served.push(scheduler.now()), complete: () => next(n + 1) });
      };
      next(0);
      scheduler.schedule(() => expect(transport.calls.login + transport.calls.refresh).toBeLessThanOrEqual(5), 1999);
      scheduler.schedule(() => {
        expect(served.length).toBe(20); // each waited for its turn; none failed
        expect(transport.calls.login + transport.calls.refresh).toBeLessThanOrEqual(20);
        auth.dispose();
      }, 30_000);
    });
  });

  it('a login that redirects, 20 requests one after another: at most 2 logins, each request told at once', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      for (let i = 0; i < 20; i++) transport.answerLogin('-#', undefined, new AuthError('redirected', 'The auth server redirected'));
      const auth = make(transport);
      const outcomes: string[] = [];
      for (let i = 0; i < 20; i++) scheduler.schedule(() => auth.authorize((token) => of(token)).subscribe({ error: (e: AuthError) => outcomes.push(e.reason) }), i * 20);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBeLessThanOrEqual(2);
        expect(outcomes).toEqual(new Array(20).fill('redirected'));
        auth.dispose();
      }, 1000);
    });
  });

  it('20 refresh() calls one after another: at most 5 refresh calls in a second, and each gets a new token', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const auth = make(transport);
      auth.token$.subscribe();
      const tokens: string[] = [];
      const at: number[] = [];
      const next = (n: number): void => {
        if (n === 20) return;
        auth.refresh().subscribe({ next: (token) => (tokens.push(token), at.push(scheduler.now())), complete: () => next(n + 1) });
      };
      scheduler.schedule(() => next(0), 5000);
      scheduler.schedule(() => {
        expect(at.filter((time) => time < 6000).length).toBeLessThanOrEqual(5);
        expect(new Set(tokens).size).toBe(20);
        auth.dispose();
      }, 60_000);
    });
  });

  it('a revocation storm of 1,000 requests: exactly 1 refresh and 0 failures', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const auth = make(transport);
      auth.token$.subscribe();
      const outcomes: string[] = [];
      scheduler.schedule(() => {
        const revoked = auth.token;
        for (let i = 0; i < 1000; i++) {
          auth.authorize((token) => (token === revoked ? cold('--#', undefined, http(401)) : of('ok'))).subscribe({ next: (v) => outcomes.push(String(v)), error: () => outcomes.push('failed') });
        }
      }, 100);
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(1);
        expect(outcomes.length).toBe(1000);
        expect(outcomes.filter((outcome) => outcome !== 'ok').length).toBe(0);
        auth.dispose();
      }, 200);
    });
  });

  it('a revocation right after a refresh still recovers at once, within the burst', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      const auth = make(transport);
      auth.token$.subscribe();
      const outcomes: string[] = [];
      const refusing = new Set<string>();
      const use = () => auth.authorize((token) => (refusing.has(token) ? cold('-#', undefined, http(401)) : of('ok'))).subscribe({ next: (v) => outcomes.push(String(v)), error: () => outcomes.push('failed') });
      scheduler.schedule(() => (refusing.add(auth.token!), use()), 10);
      scheduler.schedule(() => (refusing.add(auth.token!), use()), 20);
      scheduler.schedule(() => {
        expect(outcomes).toEqual(['ok', 'ok']);
        expect(transport.calls.refresh).toBe(2);
        auth.dispose();
      }, 100);
    });
  });

  it('a Retry-After binds refresh() and requests alike, failing them at once with the wait', () => {
    scheduler.run(({ cold }) => {
      const transport = createMarbleTransport({ cold });
      transport.answerLogin('-#', undefined, new HttpError({ status: 429, url: 'x', headers: { 'retry-after': '120' } }));
      const auth = make(transport, { retry: { maxAttempts: 1 } });
      const errors: AuthError[] = [];
      auth.authorize((token) => of(token)).subscribe({ error: (e: AuthError) => errors.push(e) });
      scheduler.schedule(() => auth.refresh().subscribe({ error: (e: AuthError) => errors.push(e) }), 10);
      scheduler.schedule(() => auth.authorize((token) => of(token)).subscribe({ error: (e: AuthError) => errors.push(e) }), 20);
      scheduler.schedule(() => {
        expect(transport.calls.login).toBe(1);
        expect(errors.map((e) => e.reason)).toEqual(['rate-limited', 'rate-limited', 'rate-limited']);
        expect(errors[2]!.retryAfter).toBe(120_000 - 19);
        auth.dispose();
      }, 30);
    });
  });
});

describe('auth budget, a revocation once the burst is spent (virtual time)', () => {
  let scheduler: TestScheduler;
  const http = (status: number) => new HttpError({ status, url: 'https://ws.api.video/x' });
  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  /** A server that accepts its current token only: `revoke()` makes every token issued so far dead. */
  const setup = (cold: Parameters<Parameters<TestScheduler['run']>[0]>[0]['cold']) => {
    const transport = createMarbleTransport({ cold });
    const auth = createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5, maxAttempts: 1 } });
    const dead = new Set<string>();
    const outcomes: string[] = [];
    const use = () =>
      auth.authorize((token) => (dead.has(token) ? cold('-#', undefined, http(401)) : of('ok'))).subscribe({ next: (v) => outcomes.push(`${scheduler.now()} ${v}`), error: (e: HttpError) => outcomes.push(`${scheduler.now()} ${e.status}`) });
    const revoke = () => dead.add(auth.token!);
    return { auth, transport, use, revoke, outcomes };
  };

  it('hands the 401 over at once, drops the dead token, and the next request gets a new one when the budget allows', () => {
    scheduler.run(({ cold }) => {
      const { auth, transport, use, revoke, outcomes } = setup(cold);
      use(); // login at 0, the token accepted
      scheduler.schedule(() => (revoke(), use()), 10); // refresh 1 (burst)
      scheduler.schedule(() => (revoke(), use()), 20); // refresh 2 (burst spent)
      scheduler.schedule(() => (revoke(), use()), 30); // no cycle allowed now: the 401 goes to the caller
      scheduler.schedule(() => {
        expect(auth.token).toBeNull(); // not the dead token
        use(); // waits for the budget
      }, 40);
      scheduler.schedule(() => {
        expect(outcomes).toEqual(['1 ok', '12 ok', '22 ok', '31 401', '1001 ok']);
        expect(transport.calls.refresh).toBe(3);
        auth.dispose();
      }, 2000);
    });
  });

  it('with a token$ subscriber, the new token follows by itself as soon as the budget allows', () => {
    scheduler.run(({ cold }) => {
      const { auth, transport, use, revoke } = setup(cold);
      const tokens: Array<string | null> = [];
      auth.token$.subscribe((token) => tokens.push(token));
      scheduler.schedule(use, 5);
      scheduler.schedule(() => (revoke(), use()), 10);
      scheduler.schedule(() => (revoke(), use()), 20);
      scheduler.schedule(() => (revoke(), use()), 30);
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(2); // the budget holds the next cycle back...
        expect(tokens[tokens.length - 1]).toBeNull(); // ...but the dead token is no longer handed out
      }, 500);
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(3); // no request asked: the subscriber's engine did, when allowed
        expect(tokens[tokens.length - 1]).toBe(auth.token);
        expect(auth.token).not.toBeNull();
        auth.dispose();
      }, 1500);
    });
  });
});
