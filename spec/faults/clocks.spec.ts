import { firstValueFrom, type SchedulerLike } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { createBearerAuth, type TokenResponse } from '../../src/index.js';
import { createApiVideoTestServer } from '../../src/testing/index.js';
import { createMarbleTransport, tokenResponse } from '../../src/testing/marbles.js';
import { createTestScheduler } from '../helpers/marbles.js';

describe('clocks', () => {
  let scheduler: TestScheduler;
  beforeEach(() => {
    scheduler = createTestScheduler();
  });

  for (const [label, serverIssuedAt] of [['hours ahead of', 4_000_000_000], ['hours behind', 1_000_000]] as const) {
    it(`ignores a server clock ${label} the client's: a JWT's exp - iat is a lifetime, not a date`, () => {
      scheduler.run(({ cold, expectSubscriptions }) => {
        const { expires_in: _dropped, ...withoutExpiresIn } = tokenResponse({ issuedAt: serverIssuedAt, expiresIn: 600 });
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-(t|)', { t: withoutExpiresIn as TokenResponse });
        const refresh = transport.answerRefresh('-(t|)', { t: tokenResponse({ expiresIn: 600 }) });
        const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
        auth.token$.subscribe();
        expectSubscriptions(refresh.subscriptions).toBe('540s ^!'); // 600 s lifetime, 60 s lead, from the send at 0
        scheduler.schedule(() => auth.dispose(), 541_000);
      });
    });
  }

  it('over HTTP, a server whose clock is 3 hours off changes nothing', async () => {
    for (const clockSkew of [3 * 3600_000, -3 * 3600_000]) {
      const server = await createApiVideoTestServer({ clockSkew, ttl: 600 });
      const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
      try {
        const before = Date.now();
        await firstValueFrom(auth.json('/videos'));
        const state = await firstValueFrom(auth.state$);
        expect(state.expiresAt! - before).toBeGreaterThanOrEqual(599_000);
        expect(state.expiresAt! - before).toBeLessThanOrEqual(600_000 + (Date.now() - before));
      } finally {
        auth.dispose();
        await server.close();
      }
    }
  });

  describe('sleep and wake: the wall clock jumps while timers stand still', () => {
    /** A scheduler whose now() can jump ahead, as Date.now() does after a laptop wakes, while timers keep their monotonic course. */
    const sleepyClock = () => {
      let slept = 0;
      const clock: SchedulerLike = { now: () => scheduler.now() + slept, schedule: scheduler.schedule.bind(scheduler) };
      return { clock, sleep: (ms: number) => (slept += ms) };
    };

    it('refreshes before the next request instead of sending the expired token', () => {
      scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
        const { clock, sleep } = sleepyClock();
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-(t|)', { t: tokenResponse({ accessToken: 'old', expiresIn: 3600 }) });
        const refresh = transport.answerRefresh('-(t|)', { t: tokenResponse({ accessToken: 'fresh', expiresIn: 3600 }) });
        const auth = createBearerAuth({ apiKey: 'k', transport, scheduler: clock });
        auth.token$.subscribe();
        scheduler.schedule(() => sleep(2 * 3600_000), 10_000);
        const sent: string[] = [];
        const request = auth.authorize((token) => (sent.push(token), cold('-(x|)', { x: token })));
        expectObservable(request, '20s ^').toBe('20002ms (x|)', { x: 'fresh' });
        expectSubscriptions(refresh.subscriptions).toBe('20s ^!');
        scheduler.schedule(() => {
          expect(sent).toEqual(['fresh']);
          auth.dispose();
        }, 30_000);
      });
    });

    it('notices within a minute even with no request, and refreshes', () => {
      scheduler.run(({ cold, expectObservable }) => {
        const { clock, sleep } = sleepyClock();
        const transport = createMarbleTransport({ cold }, { strict: true });
        transport.answerLogin('-(t|)', { t: tokenResponse({ accessToken: 'old', expiresIn: 3600 }) });
        transport.answerRefresh('-(t|)', { t: tokenResponse({ accessToken: 'fresh', expiresIn: 3600 }) });
        const auth = createBearerAuth({ apiKey: 'k', transport, scheduler: clock });
        scheduler.schedule(() => sleep(2 * 3600_000), 10_000);
        expectObservable(auth.token$, '^ 70s !').toBe('no 59999ms nf', { n: null, o: 'old', f: 'fresh' }); // the minute's re-check at 60001 ms
        scheduler.schedule(() => auth.dispose(), 80_000);
      });
    });
  });
});
