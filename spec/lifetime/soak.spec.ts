import { map, timer, VirtualAction, VirtualTimeScheduler, type Observable } from 'rxjs';
import { createBearerAuth, HttpError, type AuthTransport, type TokenResponse } from '../../src/index.js';
import { tokenResponse } from '../../src/testing/marbles.js';

/** A small seeded generator, so a failing soak can be replayed. */
const seeded = (seed: number) => () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

/**
 * An auth server in virtual time that answers after 10 ms, failing a share
 * of calls with a 503 first. Answers are plain timers, not cold() marbles,
 * which a TestScheduler would keep for its logs and so grow the heap.
 */
function soakTransport(scheduler: VirtualTimeScheduler, expiresIn: number, failureRate: number, random: () => number, keepLog = true) {
  const calls: Array<{ at: number; ok: boolean }> = [];
  let count = 0;
  const answer = (): Observable<TokenResponse> => {
    const ok = random() >= failureRate;
    count++;
    if (keepLog) calls.push({ at: scheduler.now(), ok });
    if (!ok) return timer(10, scheduler).pipe(map(() => { throw new HttpError({ status: 503, url: 'http://auth.test' }); }));
    return timer(10, scheduler).pipe(map(() => tokenResponse({ expiresIn })));
  };
  const transport: AuthTransport = { login: answer, refresh: answer };
  return { transport, calls, count: () => count };
}

describe('soak (virtual time)', () => {
  it('30 days of one-hour tokens with random 503s: token$ is never null, and every refresh starts at its planned time', () => {
    const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
    const random = seeded(42);
    const { transport, calls } = soakTransport(scheduler, 3600, 0.2, random);
    const auth = createBearerAuth({ apiKey: 'k', transport, scheduler, retry: { random } });
    const nulls: number[] = [];
    auth.token$.subscribe((token) => token === null && scheduler.now() > 0 && nulls.push(scheduler.now()));
    const days30 = 30 * 24 * 3600_000;
    scheduler.schedule(() => auth.dispose(), days30);
    scheduler.flush();

    expect(nulls).toEqual([]);
    // After each success, the next call is the refresh planned for sentAt + 3600 s - 60 s.
    const late = calls.flatMap((call, i) => {
      const next = calls[i + 1];
      return call.ok && next && next.at !== call.at + 3_540_000 ? [`${call.at} -> ${next.at}`] : [];
    });
    expect(late).toEqual([]);
    const refreshes = calls.filter((call) => call.ok).length - 1;
    expect(refreshes).toBe(Math.floor((days30 - 10) / 3_540_000));
    expect(calls.some((call) => !call.ok)).toBeTrue();
  });

  it('100,000 refresh cycles of 2 s tokens with random 503s leave the heap within 1 MB of where it started, after a forced GC', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc).withContext('run node with --expose-gc (npm test does)').toEqual(jasmine.any(Function));
    const scheduler = new VirtualTimeScheduler(VirtualAction, Infinity);
    const { transport, count } = soakTransport(scheduler, 2, 0.05, seeded(7), false); // no log: it would be the growth
    const auth = createBearerAuth({ apiKey: 'k', transport, scheduler });
    let last: string | null = null;
    auth.token$.subscribe((token) => (last = token));
    const heap = () => (gc!(), gc!(), process.memoryUsage().heapUsed);
    let before = 0;
    // A 2 s token is refreshed every second (the lead is capped at half the lifetime).
    scheduler.schedule(() => (before = heap()), 1_000 * 1_000); // after 1,000 cycles of warm-up
    scheduler.schedule(() => auth.dispose(), 101_000 * 1_000);
    scheduler.flush();
    const growth = heap() - before;
    expect(count()).toBeGreaterThanOrEqual(101_000);
    expect(last).not.toBeNull();
    expect(growth).withContext(`heap grew by ${growth} bytes`).toBeLessThan(1024 * 1024);
  }, 60_000);
});

