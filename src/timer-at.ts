import { Observable, defer, of, switchMap, timer, type SchedulerLike } from 'rxjs';

/** setTimeout's limit: a longer delay would fire at once. */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

/**
 * Emits once when `scheduler.now()` reaches `time`. Long waits are cut into
 * pieces that setTimeout accepts, and each piece re-reads the clock, so a
 * token that lives for weeks is still refreshed on time.
 */
export function timerAt(time: number, scheduler: SchedulerLike): Observable<unknown> {
  return defer(() => {
    const left = time - scheduler.now();
    if (left <= 0) return of(0);
    if (left <= MAX_TIMER_DELAY) return timer(left, scheduler);
    return timer(MAX_TIMER_DELAY, scheduler).pipe(switchMap(() => timerAt(time, scheduler)));
  });
}
