import { randomUUID } from 'node:crypto';
import { Observable, catchError, defer, filter, finalize, interval, map, of, race, switchMap, take, tap, throwError, timer, type SchedulerLike } from 'rxjs';
import { refreshTime, Secret, type Coordination, type Session, type StoreClient, type StoreCycle } from '../core.js';
import type { SharedSession } from './session-codec.js';

/** The primitives a shared store offers; each may reject or hang (the protocol bounds every call). */
export interface SessionStore {
  /** The shared session, or null. */
  read(): Promise<SharedSession | null>;
  /**
   * Takes the lock under `id` for `ttl` ms unless another process holds it; when one does, caps that
   * lock's remaining TTL at `cap` ms (a lock without a TTL, or one set by a process with a huge budget).
   * Resolves to the holder's id: `id` itself when this process took the lock.
   */
  lock(id: string, ttl: number, cap: number): Promise<string>;
  /** Releases the lock if `id` still holds it. */
  release(id: string): Promise<unknown>;
  /** Shares `session` (until it expires) and tells the waiters. */
  publish(session: SharedSession): Promise<unknown>;
  /** Emits when another process publishes (best effort: waiters also poll). */
  readonly published: Observable<void>;
}

export interface SharedCycleOptions {
  /** Time limit of each store call, in ms; past it, this cycle goes on alone. */
  readonly callTimeout: number;
  /** How often a waiting process looks again when no notification came, in ms. */
  readonly pollInterval: number;
}

/** The store failed or was slow, or the lock stayed held past this process's budget: this cycle goes on alone. Never leaves this module. */
class StoreUnavailable extends Error {}

/**
 * The longest a process waits for another's lock, and the longest TTL a lock gets or keeps, in ms:
 * above the default budget (requestTimeout 10 s × 5 attempts = 50 s), so that defaults are unchanged,
 * and a tenth of the largest one (60 s × 10 attempts), so that a stuck lock costs a fleet one minute.
 */
export const LOCK_TTL_CAP = 60_000;

/**
 * Fails after `ms` of time in which this process could have heard an answer. It counts in steps of
 * 50 ms; a step that comes late (an event loop busy with a cold start, a CPU given to other processes)
 * counts as twice its length at most, since an answer that came meanwhile is read right after it.
 * A short timeout would otherwise measure this process's lag, not the store, and send a fleet's cold
 * start on alone (2-4 logins for 4 processes on a loaded 2-core machine, with 250 ms).
 */
export function patience(ms: number, scheduler: SchedulerLike): Observable<never> {
  const step = Math.min(50, ms);
  return defer(() => {
    let counted = 0;
    let last = scheduler.now();
    return interval(step, scheduler).pipe(
      filter(() => {
        const now = scheduler.now();
        counted += Math.min(now - last, 2 * step);
        last = now;
        return counted >= ms;
      }),
      take(1),
      switchMap(() => throwError(() => new Error(`no answer within ${ms} ms`))),
    );
  });
}

const toSession = (shared: SharedSession): Session => ({ ...shared, refreshToken: shared.refreshToken === null ? null : new Secret(shared.refreshToken) });
const toShared = ({ accessToken, refreshToken, issuedAt, expiresAt }: Session): SharedSession => ({ accessToken, refreshToken: refreshToken?.reveal() ?? null, issuedAt, expiresAt });

/**
 * The fleet's protocol for one auth cycle. Read the shared session: a
 * newer one that is not yet due is taken as is. Otherwise take the lock and
 * become the process that logs in or refreshes (from the shared refresh
 * token, the only one not yet spent), publish, release; or, when another
 * process holds the lock, wait for its result (notification, or a poll)
 * and look again. A holder that dies costs at most the lock's TTL
 * (requestTimeout × retry.maxAttempts, at most LOCK_TTL_CAP); a lock held
 * longer than this process's own budget (a lock without a TTL) sends this
 * cycle on alone, and has its TTL capped for the fleet; each new holder
 * gets that budget again, the whole wait at most twice. Any store call
 * failing or slower than `callTimeout` sends this cycle on alone, as
 * without a store.
 */
export function sharedCycle(store: SessionStore, client: StoreClient, { callTimeout, pollInterval }: SharedCycleOptions) {
  const { scheduler, refreshLeadTime } = client;
  /** Sessions this process read from or published to the store: their refresh token belongs to the fleet. */
  const fleetSessions = new WeakSet<Session>();
  const fromFleet = (shared: SharedSession): Session => {
    const session = toSession(shared);
    fleetSessions.add(session);
    return session;
  };
  /** This process's budget for one auth cycle, capped: its lock's TTL, and the longest it waits for another's. */
  const budget = Math.min(client.requestTimeout * client.retry.maxAttempts, LOCK_TTL_CAP);
  const call = <T>(run: () => Promise<T>): Observable<T> =>
    race(defer(run), patience(callTimeout, scheduler)).pipe(
      catchError((cause: unknown) => throwError(() => new StoreUnavailable('store call failed', { cause }))),
    );

  return ({ previous, authenticate, coordination }: StoreCycle): Observable<Session> => {
    let mode: Coordination = 'shared';
    const startedAt = scheduler.now();
    /**
     * Counted from the first time this cycle finds a given holder's lock, plus one poll: a holder with the
     * same budget took it earlier, so its lock is seen to expire. A new holder (the last one died, its lock
     * expired) gets a budget of its own, and the whole wait is at most twice the budget: a killed holder
     * costs the fleet one login more, not one per waiting process.
     */
    let waitUntil = Infinity;
    let lastHolder: string | undefined;
    let waitLimit = Infinity;
    // A session this process got alone, replaced before it is due, was refused (a revocation): the fleet's
    // session may be refused too, unless it was issued since. Taking it anyway sent a 401 to the caller.
    const refusedAlone = previous !== null && !fleetSessions.has(previous) && startedAt < refreshTime(previous, refreshLeadTime);
    /** A shared session this process can use instead of an auth call: not the one it replaces, not yet due, and not suspect. */
    const usable = (shared: SharedSession | null): shared is SharedSession =>
      shared !== null &&
      shared.accessToken !== previous?.accessToken &&
      scheduler.now() < refreshTime(shared, refreshLeadTime) &&
      (!refusedAlone || shared.issuedAt >= startedAt);

    /** Another process holds the lock: wait for its result (a notification, or a poll), at most until this process's budget is spent. */
    const wait = (holder: string): Observable<Session> => {
      if (holder !== lastHolder) {
        const now = scheduler.now();
        if (waitLimit === Infinity) waitLimit = now + 2 * budget + pollInterval;
        waitUntil = Math.min(now + budget + pollInterval, waitLimit);
        lastHolder = holder;
      }
      const left = waitUntil - scheduler.now();
      if (left <= 0) return throwError(() => new StoreUnavailable(`the fleet's lock stayed held for ${budget} ms`));
      return race(store.published, timer(Math.min(pollInterval, left), scheduler)).pipe(take(1), switchMap(attempt));
    };

    /** This process holds the lock: look once more (another may have just published), else authenticate and publish. */
    const hold = (id: string): Observable<Session> =>
      call(() => store.read()).pipe(
        switchMap((shared) => {
          if (usable(shared)) return of(fromFleet(shared));
          return authenticate(shared ? toSession(shared) : previous).pipe(
            tap((session) => fleetSessions.add(session)),
            switchMap((session) =>
              call(() => store.publish(toShared(session))).pipe(
                catchError(() => ((mode = 'alone'), of(null))),
                map(() => session),
              ),
            ),
          );
        }),
        finalize(() => void store.release(id).catch(() => {})),
      );

    const attempt = (): Observable<Session> =>
      call(() => store.read()).pipe(
        switchMap((shared) => {
          if (usable(shared)) return of(fromFleet(shared));
          // The holder's PID in the lock's value tells an operator (and the specs) who holds it; nothing secret.
          const id = `${process.pid}:${randomUUID()}`;
          return call(() => store.lock(id, budget, LOCK_TTL_CAP)).pipe(
            // A SET that answers late may still take the lock: the release queued behind it frees it.
            tap({ error: () => void store.release(id).catch(() => {}) }),
            switchMap((holder) => (holder === id ? hold(id) : wait(holder))),
          );
        }),
      );

    // The notification connection stays open for the whole cycle, so a publish between two waits is not missed.
    return defer(() => {
      const listening = store.published.subscribe();
      return attempt().pipe(finalize(() => listening.unsubscribe()));
    }).pipe(
      catchError((error: unknown) => {
        if (!(error instanceof StoreUnavailable)) return throwError(() => error);
        mode = 'alone';
        // Alone, never spend the fleet's refresh token: the lock holder may be spending it now. One login
        // instead; the sessions this process then gets alone are its own to refresh.
        return authenticate(previous && !fleetSessions.has(previous) ? previous : null);
      }),
      tap({ next: () => coordination(mode), error: () => coordination(mode) }),
    );
  };
}
