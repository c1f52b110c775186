import type { TestScheduler } from 'rxjs/testing';
import { AuthError, createBearerAuth, HttpError } from '../../src/index.js';
import { OAuthError } from '../../src/oauth2/index.js';
import { createMarbleSource } from '../../src/testing/marbles.js';
import { createTestScheduler } from '../helpers/marbles.js';

describe('createMarbleSource (rx-bearer/testing/marbles): a TokenSource in virtual time', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('scripts token() answers: a 503 retried with backoff, then a token, renewed ahead of expiry by token() again', () => {
    scheduler.run((helpers) => {
      const source = createMarbleSource(helpers, { expiresIn: 10 });
      const failed = source.answer('-#', {}, new HttpError({ status: 503, url: 'x' }));
      const first = source.answer('--(t|)');
      const auth = createBearerAuth({ source, scheduler, retry: { random: () => 0 } });
      const seen: number[] = [];
      auth.token$.subscribe((token) => token !== null && seen.push(scheduler.now()));
      scheduler.schedule(() => auth.dispose(), 8_000);
      helpers.flush();
      helpers.expectSubscriptions(failed.subscriptions).toBe('^!');
      helpers.expectSubscriptions(first.subscriptions).toBe('1ms ^-!');
      // a 10 s token from the send at 1 ms: renewed at half its lifetime, by token(), never by a refresh token.
      expect(seen).toEqual([3, 5002]);
      expect(source.calls).toBe(3);
    });
  });

  it('a scripted OAuthError is the cycle verdict: rejected, not retried', () => {
    scheduler.run((helpers) => {
      const source = createMarbleSource(helpers, { strict: true });
      source.answer('-#', {}, new OAuthError(401, { error: 'invalid_client', errorDescription: undefined, errorUri: undefined }));
      const auth = createBearerAuth({ source, scheduler });
      let error: unknown;
      auth.token$.subscribe();
      auth.state$.subscribe((state) => (error = state.error ?? error));
      scheduler.schedule(() => auth.dispose(), 100);
      helpers.flush();
      expect(error).toEqual(jasmine.any(AuthError));
      expect((error as OAuthError).error).toBe('invalid_client');
      expect(source.calls).toBe(1);
    });
  });
});
