import { defer, filter, repeat, take, timer, type Observable, type SchedulerLike } from 'rxjs';

/**
 * The longest single wait. Far below setTimeout's limit (2^31 - 1 ms, beyond
 * which it fires at once), and short enough that the clock is read again
 * every minute: timers run on a monotonic clock that stands still while a
 * laptop sleeps, so after a wake-up the wall clock may say a token has
 * expired long ago. Re-reading it each minute notices within a minute.
 */
export const MAX_WAIT = 60_000;

/**
 * Emits once when `scheduler.now()` reaches `time`, however far away or
 * however the clock jumps. Waits are chained by resubscription (repeat), not
 * nesting, so a token living for months costs no stack; a time already past
 * still fires asynchronously, after the caller's current work.
 */
export function timerAt(time: number, scheduler: SchedulerLike): Observable<unknown> {
  const nextWait = () => Math.min(Math.max(time - scheduler.now(), 0), MAX_WAIT);
  return defer(() => timer(nextWait(), scheduler)).pipe(
    repeat(),
    filter(() => scheduler.now() >= time),
    take(1),
  );
}
