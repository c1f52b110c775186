import { randomUUID } from 'node:crypto';
import { Observable, catchError, defer, finalize, map, of, race, switchMap, take, tap, throwError, timeout, timer } from 'rxjs';
import { refreshTime, Secret, type Coordination, type Session, type StoreClient, type StoreCycle } from '../core.js';
import type { SharedSession } from './session-codec.js';

/** The primitives a shared store offers; each may reject or hang (the protocol bounds every call). */
export interface SessionStore {
  /** The shared session, or null. */
  read(): Promise<SharedSession | null>;
  /** Takes the lock under `id` for `ttl` ms unless another process holds it. */
  lock(id: string, ttl: number): Promise<boolean>;
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

/** The store failed or was slow: this cycle goes on alone. Never leaves this module. */
class StoreUnavailable extends Error {}

const toSession = (shared: SharedSession): Session => ({ ...shared, refreshToken: shared.refreshToken === null ? null : new Secret(shared.refreshToken) });
const toShared = ({ accessToken, refreshToken, issuedAt, expiresAt }: Session): SharedSession => ({ accessToken, refreshToken: refreshToken?.reveal() ?? null, issuedAt, expiresAt });

/**
 * The fleet's protocol for one auth cycle. Read the shared session: a
 * newer one that is not yet due is taken as is. Otherwise take the lock and
 * become the process that logs in or refreshes (from the shared refresh
 * token, the only one not yet spent), publish, release; or, when another
 * process holds the lock, wait for its result (notification, or a poll)
 * and look again. A holder that dies costs at most the lock's TTL
 * (requestTimeout × retry.maxAttempts). Any store call failing or slower
 * than `callTimeout` sends this cycle on alone, as without a store.
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
  const lockTtl = client.requestTimeout * client.retry.maxAttempts;
  const call = <T>(run: () => Promise<T>): Observable<T> =>
    defer(run).pipe(
      timeout({ first: callTimeout, scheduler }),
      catchError((cause: unknown) => throwError(() => new StoreUnavailable('store call failed', { cause }))),
    );

  return ({ previous, authenticate, coordination }: StoreCycle): Observable<Session> => {
    let mode: Coordination = 'shared';
    /** A shared session this process can use instead of an auth call: not the one it replaces, and not yet due. */
    const usable = (shared: SharedSession | null): shared is SharedSession =>
      shared !== null && shared.accessToken !== previous?.accessToken && scheduler.now() < refreshTime(shared, refreshLeadTime);

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
          return call(() => store.lock(id, lockTtl)).pipe(
            // A SET that answers late may still take the lock: the release queued behind it frees it.
            tap({ error: () => void store.release(id).catch(() => {}) }),
            switchMap((locked) => (locked ? hold(id) : race(store.published, timer(pollInterval, scheduler)).pipe(take(1), switchMap(attempt)))),
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
