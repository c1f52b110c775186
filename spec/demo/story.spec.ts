import { Subject, defer, finalize, map, take, timer, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { observeTransport } from '../../demo/observe-transport.js';
import { THE_END, demoStory, type DemoEvent } from '../../demo/story.js';
import { createBearerAuth, HttpError } from '../../src/index.js';
import { createMarbleTransport } from '../../src/testing/marbles.js';

/**
 * The demo's story in virtual time: the same observables the terminal and
 * browser demos run, with a marble transport for the auth server and fake
 * server tricks. Also an example of marble-testing code that uses rx-bearer.
 */
describe('the demo story (virtual time)', () => {
  const TTL = 6000;
  let scheduler: TestScheduler;

  function setUp(helpers: Parameters<Parameters<TestScheduler['run']>[0]>[0], { withTricks = true } = {}) {
    const marbles = createMarbleTransport(helpers, { expiresIn: TTL / 1000, defaultAnswer: '5ms (t|)' });
    const { transport, calls$ } = observeTransport(marbles, scheduler);
    const auth = createBearerAuth({ apiKey: 'demo', transport, scheduler, retry: { random: () => 0.5 } });
    const revoked = new Set<string>();
    const released = new Subject<void>();
    let held = 0;
    // A fake API: answers in 100 ms (or when released, while held), refusing tokens revoked meanwhile, as the real server checks at answer time.
    const answer = () => (held > 0 ? (held--, released.pipe(take(1))) : timer(100, scheduler));
    const request = () =>
      auth.authorize((token) => defer(answer).pipe(map(() => {
        if (revoked.has(token)) throw new HttpError({ status: 401, url: 'http://api.test/videos' });
        return true;
      })));
    const tricks = {
      holdRequests: (count: number) => ((held = count), () => released.next()),
      revokeAll: () => auth.token && revoked.add(auth.token),
      failRefresh: (times: number) => {
        for (let i = 0; i < times; i++) marbles.answerRefresh('5ms #', {}, new HttpError({ status: 503, url: 'http://api.test/auth/refresh' }));
      },
      rejectRefreshToken: () => void marbles.answerRefresh('5ms #', {}, new HttpError({ status: 400, url: 'http://api.test/auth/refresh' })),
    };
    // The auth's timers run until dispose(): end them with the story, or run() never returns.
    const story = demoStory({ auth, authCalls$: calls$, request: () => request().pipe(map(Boolean)), scheduler, ttl: TTL, ...(withTricks ? { tricks } : {}) }).pipe(finalize(() => auth.dispose()));
    return { auth, marbles, story };
  }

  beforeEach(() => {
    scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
  });

  it('opens with a cold start: one login, then 50 requests served', () => {
    scheduler.run((helpers) => {
      const { story } = setUp(helpers);
      let events: DemoEvent[] = [];
      story.pipe(take(11), toArray()).subscribe((first) => (events = first));
      helpers.flush();
      expect(events.map(({ at, lane, text }) => `${at} ${lane}: ${text}`)).toEqual([
        '0 story: 1. Cold start: 50 requests at once share one login',
        '0 auth: → login',
        '0 token: ○ none',
        '0 state: authenticating',
        '5 auth: ← login ok (5 ms)',
        jasmine.stringMatching(/^5 token: ● …[\w-]{8}$/), // the last 8 characters of the new token
        '5 state: authenticated',
        '105 request: 50 × GET /videos → 50 ok',
        '105 story: 2. Timer refreshes: each 6 s token is replaced before it expires, while requests flow',
        '205 request: #1 GET /videos → 200',
        '705 request: #2 GET /videos → 200',
      ]);
    });
  });

  it('tells all five chapters, with every request served, one refresh for the revocation, and a login after the rejected refresh token', () => {
    scheduler.run((helpers) => {
      const { marbles, story } = setUp(helpers);
      let events: DemoEvent[] = [];
      story.pipe(toArray()).subscribe((all) => (events = all));
      helpers.flush();

      const titles = events.filter((event) => event.lane === 'story' && /^\d\./.test(event.text)).map((event) => event.text.slice(0, 2));
      expect(titles).toEqual(['1.', '2.', '3.', '4.', '5.']);
      expect(events.at(-1)?.text).toBe(THE_END);
      expect(events.filter((event) => event.lane === 'request' && event.tone !== 'good')).toEqual([]);
      expect(events.some((event) => event.text === '30 × GET /videos → 30 ok')).toBeTrue();
      const between = (from: string, to: string) => events.slice(events.findIndex((e) => e.text.startsWith(from)), events.findIndex((e) => e.text.startsWith(to)));
      expect(between('3.', '4.').filter((event) => event.text === '→ refresh').length).withContext('one refresh for the storm').toBe(1);
      expect(between('4.', '5.').filter((event) => event.text.startsWith('← refresh HTTP 503')).length).toBe(3);
      expect(between('4.', '5.').some((event) => event.lane === 'token' && event.text === '○ none')).withContext('the old token kept serving').toBeFalse();
      expect(between('5.', THE_END).map((event) => event.text).filter((text) => text.startsWith('→'))).toEqual(['→ refresh', '→ login']);
      expect(marbles.calls.login).toBe(2);
      expect(events.at(-1)!.at).toBeLessThan(30_000);
    });
  });

  it('against a real API (no server tricks), forces two refresh cycles with refresh() and says the other chapters are skipped', () => {
    scheduler.run((helpers) => {
      const { marbles, story } = setUp(helpers, { withTricks: false });
      let events: DemoEvent[] = [];
      story.pipe(toArray()).subscribe((all) => (events = all));
      helpers.flush();

      const titles = events.filter((event) => event.lane === 'story').map((event) => event.text);
      expect(titles[1]).toMatch(/^2\. Refreshes: .*refresh\(\) forces two cycles/);
      expect(titles.some((title) => /^3\.–5\. .*skipped/.test(title))).toBeTrue();
      expect(titles.filter((title) => title.startsWith('refreshed: ●')).length).toBe(2);
      expect(marbles.calls).toEqual({ login: 1, refresh: 2 });
      expect(events.filter((event) => event.lane === 'request' && event.tone !== 'good')).toEqual([]);
      expect(events.at(-1)?.text).toBe(THE_END);
    });
  });
});
