import { inspect } from 'node:util';
import { firstValueFrom, of, throwError } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createBearerAuth, HttpError, type BearerAuth, type BearerAuthOptions } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';
import { createMarbleTransport } from '../../src/testing/marbles.js';
import { createTestScheduler, numberedTokenResponse } from '../helpers/marbles.js';

/**
 * Findings of an outside review of issue 13 (work only while wanted, be polite
 * to the auth server), fixed. Each spec failed before its fix.
 */
describe('review of issue 13 (virtual time)', () => {
  let scheduler: TestScheduler;
  const t = (n: number, expiresIn = 3600) => ({ t: numberedTokenResponse(n, expiresIn) });
  const http = (status: number, headers: Record<string, string> = {}) => new HttpError({ status, url: 'http://auth.test', headers });
  const make = (transport: BearerAuthOptions['transport'], extra: Partial<BearerAuthOptions> = {}) =>
    createBearerAuth({ apiKey: 'the-api-key', transport, scheduler, retry: { random: () => 0.5 }, ...extra });
  /** Actions the scheduler would still run: timers somebody left behind. */
  const scheduledActions = () => scheduler.actions.filter((action) => !action.closed).length;
  const refuse = () => throwError(() => new HttpError({ status: 401, url: 'http://api.test/forbidden' }));

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  describe('HIGH: a 401 from a route that refuses every token still costs a refresh per request', () => {
    it('two refusing routes used in turn cost one refresh each, not one per request', () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-(t|)', t(1));
        for (let i = 0; i < 30; i++) transport.answerRefresh('-(t|)', t(i + 2));
        const auth = make(transport);
        for (let i = 0; i < 10; i++) {
          scheduler.schedule(() => auth.authorize(refuse, { route: 'GET /a' }).subscribe({ error: () => undefined }), i * 100);
          scheduler.schedule(() => auth.authorize(refuse, { route: 'GET /b' }).subscribe({ error: () => undefined }), i * 100 + 50);
        }
        scheduler.schedule(() => {
          // Was: 20 refreshes; each route's verdict is tied to a token the other route's refresh replaced.
          expect(transport.calls.refresh).toBeLessThanOrEqual(2);
          auth.dispose();
        }, 5_000);
      });
    });

    it('authorize() without a route, against an endpoint that refuses every token, does not refresh once per request', () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-(t|)', t(1));
        for (let i = 0; i < 30; i++) transport.answerRefresh('-(t|)', t(i + 2));
        const auth = make(transport);
        for (let i = 0; i < 20; i++) scheduler.schedule(() => auth.authorize(refuse).subscribe({ error: () => undefined }), i * 100);
        scheduler.schedule(() => {
          // Was 20 refreshes in 2 s. Without a route, a 401 to the token a resend was already refused with goes to the caller.
          expect(transport.calls.refresh).toBeLessThanOrEqual(1);
          auth.dispose();
        }, 5_000);
      });
    });
  });

  describe('HIGH: a cycle goes on retrying after the last one who wanted it left', () => {
    it('a request that leaves during a failing login: no further login, no timer left', () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        for (let i = 0; i < 5; i++) transport.answerLogin('100ms #', undefined, http(503));
        const auth = make(transport, { retry: { maxAttempts: 5, initialDelay: 1000, maxDelay: 1000, random: () => 0.5 } });
        const request = auth.authorize((token) => of(token)).subscribe({ error: () => undefined });
        scheduler.schedule(() => request.unsubscribe(), 50); // the caller leaves (or its signal aborts) mid-login
        scheduler.schedule(() => {
          // Was: 5 logins over ~2.5 s with nobody listening (a hung login: ~52 s of a Node process that will not exit).
          expect(transport.calls.login).toBe(1);
          expect(scheduledActions()).toBe(0);
          auth.dispose();
        }, 60_000);
      });
    });

    it('a token$ subscriber that unsubscribes during a failing login: no further login, no timer left', () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        for (let i = 0; i < 5; i++) transport.answerLogin('100ms #', undefined, http(503));
        const auth = make(transport, { retry: { maxAttempts: 5, initialDelay: 1000, maxDelay: 1000, random: () => 0.5 } });
        const subscription = auth.token$.subscribe();
        scheduler.schedule(() => subscription.unsubscribe(), 50);
        scheduler.schedule(() => {
          expect(transport.calls.login).toBe(1);
          expect(scheduledActions()).toBe(0);
          auth.dispose();
        }, 60_000);
      });
    });
  });

  describe('MEDIUM: retries inside one cycle were not bounded by anything polite', () => {
    it('retry.maxAttempts above 10 is refused, and 10 attempts without delay send at most 10 logins', () => {
      expect(() => createBearerAuth({ apiKey: 'k', retry: { maxAttempts: 100 } })).toThrowError(TypeError, /"retry.maxAttempts"/);
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        for (let i = 0; i < 100; i++) transport.answerLogin('-#', undefined, http(503));
        const auth = make(transport, { retry: { maxAttempts: 10, initialDelay: 0, maxDelay: 0, random: () => 0 } });
        auth.authorize((token) => of(token)).subscribe({ error: () => undefined });
        scheduler.schedule(() => {
          expect(transport.calls.login).toBeLessThanOrEqual(10);
          auth.dispose();
        }, 10_000);
      });
    });
  });

  describe('MEDIUM: any Retry-After is honoured, however absurd', () => {
    it('Retry-After: 1e12 (31,700 years) does not lock a long-running client out for good', () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-#', undefined, http(429, { 'retry-after': '1e12' }));
        transport.answerLogin('-(t|)', t(1));
        const auth = make(transport);
        const tokens: Array<string | null> = [];
        auth.token$.subscribe((token) => tokens.push(token));
        scheduler.schedule(() => {
          // Was: one login, and every caller fails as rate-limited for 1e15 ms.
          expect(transport.calls.login).toBe(2);
          expect(tokens).toContain('access-1');
          auth.dispose();
        }, 2 * 86_400_000);
      });
    });

    it('Retry-After "0x10" is not an RFC 9110 delay (1*DIGIT) and is not taken as 16 s', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-#', undefined, http(429, { 'retry-after': '0x10' }));
        transport.answerLogin('-(t|)', t(1));
        const auth = make(transport, { retry: { maxAttempts: 2, initialDelay: 0, maxDelay: 1000, random: () => 0 } });
        // Was: AuthError rate-limited at 1 ms ("asked to wait longer than retry.maxDelay").
        expectObservable(auth.authorize((token) => of(token))).toBe('--(a|)', { a: 'access-1' });
        scheduler.schedule(() => auth.dispose(), 100);
      });
    });
  });
});

describe('review of issue 13 (over HTTP)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth | undefined;

  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    auth?.dispose(); // also when the spec failed before its own dispose()
    auth = undefined;
    await server.close();
  });

  it('an auth server echoing the API key in a response header does not put it into the AuthError or state$', async () => {
    server.fail('POST /auth/api-key', { status: 503, headers: { 'x-echo': 'test-api-key' } });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 1 } });
    const states: unknown[] = [];
    auth.state$.subscribe((state) => states.push(state));
    const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
    auth.dispose();
    // Was: AuthError.cause.headers['x-echo'] is the key (bodies are redacted, headers are not).
    expect(inspect([error, states], { depth: 10 })).not.toContain('test-api-key');
  });
});
