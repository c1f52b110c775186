import { inspect } from 'node:util';
import { jwtDecode } from 'jwt-decode';
import type { TestScheduler } from 'rxjs/testing';
import { AuthError, createBearerAuth, HttpError } from '../../src/index.js';
import { createMarbleTransport, tokenResponse } from '../../src/testing/marbles.js';
import { createTestScheduler } from '../helpers/marbles.js';

describe('createMarbleTransport and tokenResponse (rx-bearer/testing/marbles)', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('answers unscripted calls one frame later with a fresh token', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers);
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
      const seen: Array<[number, string | null]> = [];
      auth.token$.subscribe((token) => seen.push([scheduler.now(), token]));
      scheduler.schedule(() => auth.dispose(), 4_000_000);
      helpers.flush();
      // Login at 0 answers at 1; the 3600 s token is refreshed 60 s before expiry, answered a frame later.
      expect(seen.map(([frame]) => frame)).toEqual([0, 1, 3_540_001]);
      expect(seen[0]![1]).toBeNull();
      expect(seen[1]![1]).not.toBe(seen[2]![1]);
      expect(transport.calls).toEqual({ login: 1, refresh: 1 });
    });
  });

  it('plays scripted answers in order, at the frames the marbles say, and counts the calls', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers, { expiresIn: 10 });
      const login = transport.answerLogin('---(t|)');
      const failed = transport.answerRefresh('-#', {}, new HttpError({ status: 503, url: 'x' }));
      const retried = transport.answerRefresh('--(t|)');
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler, retry: { random: () => 0 } });
      auth.token$.subscribe();
      helpers.expectSubscriptions(login.subscriptions).toBe('^--!');
      helpers.expectSubscriptions(failed.subscriptions).toBe('5000ms ^!'); // half of 10 s, counted from the send at 0
      helpers.expectSubscriptions(retried.subscriptions).toBe('5001ms ^-!'); // zero jitter: retried at once
      scheduler.schedule(() => {
        expect(transport.calls).toEqual({ login: 1, refresh: 2 });
        expect(transport.refreshTokens.length).toBe(2);
        expect(transport.refreshTokens[0]).toBe(transport.refreshTokens[1]!);
        auth.dispose();
      }, 6000);
    });
  });

  it('lets values and errors be given, as with cold()', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers);
      const mine = tokenResponse({ accessToken: 'mine', expiresIn: 60 });
      transport.answerLogin('-(m|)', { m: mine });
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
      helpers.expectObservable(auth.token$, '^ 5ms !').toBe('nm', { n: null, m: 'mine' });
      scheduler.schedule(() => auth.dispose(), 10);
    });
  });

  it('records the refresh token each refresh was sent with, in order, and never the API key', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers);
      transport.answerLogin('-(t|)', { t: tokenResponse({ refreshToken: 'refresh-a', expiresIn: 10 }) });
      transport.answerRefresh('-(t|)', { t: tokenResponse({ refreshToken: 'refresh-b', expiresIn: 10 }) });
      transport.answerRefresh('-(t|)', { t: tokenResponse({ refreshToken: 'refresh-c', expiresIn: 10 }) });
      const auth = createBearerAuth({ apiKey: 'the-api-key', transport, scheduler });
      auth.token$.subscribe();
      scheduler.schedule(() => {
        expect(transport.refreshTokens).toEqual(['refresh-a', 'refresh-b']); // refreshes at 5 s and 10 s
        expect(transport.calls).toEqual({ login: 1, refresh: 2 });
        expect(inspect(transport, { depth: 10 })).not.toContain('the-api-key');
        auth.dispose();
      }, 12_000);
    });
  });

  it('with strict: true, answers an unscripted call at once with an error naming the call and how to script it', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers, { strict: true });
      transport.answerRefresh('-(t|)');
      helpers.expectObservable(transport.login('k')).toBe('#', undefined, new Error('unscripted login call #1 to a strict marble transport: script it with answerLogin()'));
      helpers.expectObservable(transport.refresh('refresh-a')).toBe('-(t|)', { t: jasmine.anything() });
      helpers.expectObservable(transport.refresh('refresh-b')).toBe('#', undefined, new Error('unscripted refresh call #2 to a strict marble transport: script it with answerRefresh()'));
      expect(transport.refreshTokens).toEqual(['refresh-a', 'refresh-b']);
    });
  });

  it('with strict: true, a call the spec did not script fails the auth cycle, with the unscripted call as the cause', () => {
    scheduler.run((helpers) => {
      const transport = createMarbleTransport(helpers, { strict: true, expiresIn: 10 });
      transport.answerLogin('-(t|)');
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler, retry: { maxAttempts: 1 } });
      auth.token$.subscribe();
      const errors: unknown[] = [];
      scheduler.schedule(() => auth.refresh().subscribe({ error: (error: unknown) => errors.push(error) }), 2);
      scheduler.schedule(() => {
        expect(errors).toEqual([jasmine.any(AuthError)]);
        expect(((errors[0] as AuthError).cause as Error).message).toMatch(/^unscripted refresh call #1 to a strict marble transport/);
        expect(transport.calls).toEqual({ login: 1, refresh: 1 });
        auth.dispose();
      }, 20);
    });
  });

  it('refuses strict together with defaultAnswer, naming both options', () => {
    scheduler.run((helpers) => {
      expect(() => createMarbleTransport(helpers, { strict: true, defaultAnswer: '-(t|)' })).toThrowError(TypeError, /"strict" and "defaultAnswer"/);
      expect(() => createMarbleTransport(helpers, { strict: false, defaultAnswer: '-(t|)' })).not.toThrow();
    });
  });

  it('tokenResponse makes a decodable JWT whose exp - iat is expiresIn, unique per call', () => {
    const a = tokenResponse({ expiresIn: 90, issuedAt: 1000 });
    const b = tokenResponse();
    expect(a).toEqual({ token_type: 'Bearer', expires_in: 90, access_token: jasmine.any(String), refresh_token: jasmine.any(String) });
    expect(jwtDecode(a.access_token)).toEqual(jasmine.objectContaining({ iat: 1000, exp: 1090 }));
    expect(a.access_token).not.toBe(b.access_token);
    expect(a.refresh_token).not.toBe(b.refresh_token);
  });

});
