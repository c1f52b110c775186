import { firstValueFrom } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createBearerAuth, DisposedError, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer } from '../../src/testing/index.js';
import { eventually } from '../helpers/http.js';
import { watchLibraryTimers } from '../helpers/timers.js';
import { createMarbleTransport } from '../../src/testing/marbles.js';
import { createTestScheduler, numberedTokenResponse } from '../helpers/marbles.js';

describe('unsubscribing and disposing mid-flight', () => {
  let scheduler: TestScheduler;
  const t = (n: number) => ({ t: numberedTokenResponse(n, 3600) });
  /** Everything emitted after dispose() would land here. */
  const recordAfter = (auth: BearerAuth, frame: () => number, disposedAt: number) => {
    const late: unknown[] = [];
    const note = (what: string) => () => frame() > disposedAt && late.push(what);
    auth.token$.subscribe({ next: note('token'), error: note('error') });
    auth.state$.subscribe({ next: note('state'), error: note('error') });
    return late;
  };

  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  it('a refresh goes on when every request waiting for it unsubscribes, and its token is kept', () => {
    scheduler.run(({ cold, expectSubscriptions, expectObservable }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('----(t|)', t(2));
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
      auth.token$.subscribe();
      scheduler.schedule(() => {
        const waiting = Array.from({ length: 20 }, () => auth.refresh().subscribe());
        scheduler.schedule(() => waiting.forEach((subscription) => subscription.unsubscribe()), 2);
      }, 10);
      expectSubscriptions(refresh.subscriptions).toBe('10ms ^---!');
      expectObservable(auth.token$, '15ms ^ 1ms !').toBe('15ms b', { b: 'access-2' });
      scheduler.schedule(() => {
        expect(transport.calls.refresh).toBe(1);
        auth.dispose();
      }, 20);
    });
  });

  for (const [label, login, disposeAt, loginEnded] of [
    ['during a login', '-----(t|)', 2, 2],
    ['during a backoff wait', '-#', 100, 1],
  ] as const) {
    it(`dispose() ${label} cancels it, leaves no timer, and nothing is emitted after`, () => {
      scheduler.run(({ cold }) => {
        const transport = createMarbleTransport({ cold }, { strict: true });
        const answer = transport.answerLogin(login, t(1), { status: 503 });
        const auth = createBearerAuth({ apiKey: 'k', transport, scheduler, retry: { random: () => 0.5 } });
        const late = recordAfter(auth, () => scheduler.now(), disposeAt);
        scheduler.schedule(() => auth.dispose(), disposeAt);
        scheduler.flush();
        expect(scheduler.now()).withContext('no action was scheduled past dispose()').toBe(disposeAt);
        expect(late).toEqual([]);
        expect(answer.subscriptions.map((log) => log.unsubscribedFrame)).toEqual([loginEnded]);
      });
    });
  }

  it('dispose() during a refresh cancels it', () => {
    scheduler.run(({ cold, expectSubscriptions }) => {
      const transport = createMarbleTransport({ cold }, { strict: true });
      transport.answerLogin('-(t|)', t(1));
      const refresh = transport.answerRefresh('-----(t|)', t(2));
      const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
      auth.token$.subscribe();
      scheduler.schedule(() => auth.refresh().subscribe({ error: () => {} }), 10);
      scheduler.schedule(() => auth.dispose(), 12);
      expectSubscriptions(refresh.subscriptions).toBe('10ms ^-!');
    });
  });

  it('dispose() during a request aborts it on the wire and fails it with DisposedError; a request with a token at hand arms no timer', async () => {
    const watch = watchLibraryTimers();
    const timers = () => watch.running();
    const server = await createApiVideoTestServer();
    const baseline = 0;
    const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    try {
      await firstValueFrom(auth.json('/videos'));
      // Nobody wants a token between requests: no timer, once the teardown's turn has come.
      expect(await eventually(() => timers() === baseline)).toBeTrue();
      server.fail('GET /videos', { hang: true });
      const request = firstValueFrom(auth.json('/videos'));
      expect(await eventually(() => server.counts['GET /videos'] === 2)).toBeTrue();
      expect(timers()).toBe(baseline); // a request with a token at hand arms no timer, even under way
      auth.dispose();
      await expectAsync(request).toBeRejectedWith(jasmine.any(DisposedError));
      expect(await eventually(() => server.aborted === 1)).toBeTrue();
      expect(timers()).toBe(baseline);
    } finally {
      auth.dispose(); // also when a step above failed (a second dispose() does nothing)
      watch.stop();
      await server.close();
    }
  });
});
