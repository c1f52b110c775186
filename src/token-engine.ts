import {
  BehaviorSubject, EMPTY, Observable, Subscription, type Subscriber, distinctUntilChanged,
  filter, map, merge, of, share, switchMap, take, tap, throwError, throwIfEmpty,
} from 'rxjs';
import { authenticate } from './auth-cycle.js';
import { toPublicState, sameState, type AuthState, type EngineState } from './auth-state.js';
import { AuthError, DisposedError } from './errors.js';
import type { Session } from './token-response.js';
import type { ResolvedOptions } from './options.js';
import { refreshTime } from './refresh-time.js';
import { timerAt } from './timer-at.js';

/** A request's route, e.g. 'GET https://ws.api.video/videos', or a function that spells it when asked (the hot path never needs it). */
export type Route = string | (() => string);
const nameOf = (route: Route): string => (typeof route === 'function' ? route() : route);

/** The politeness floor: the engine starts at most one auth cycle a second on its own (timer, recovery, refresh-ahead). */
export const MIN_CYCLE_INTERVAL = 1000;

/**
 * The token state machine. One auth cycle (login or refresh, with retries)
 * runs at a time: every demand while it runs joins it, which is how N
 * concurrent 401s, refresh() and the timer share one refresh. Each new session
 * arms its refresh and expiry timers (switchMap: a newer session cancels the
 * older timers).
 *
 * It works only while wanted: `wanted` counts token$/state$ subscribers and
 * requests under way; the timers run while it is above zero, so with nobody
 * listening there is no timer and no traffic, and a Node process can exit.
 * Then a login under way is cancelled; a refresh under way finishes (its
 * refresh token may be spent) but is not retried.
 */
export function createTokenEngine(options: ResolvedOptions) {
  const { scheduler, refreshOn } = options;
  // With a store, each cycle goes through it, so that a fleet shares one session.
  const shared = options.store?.open(options);
  const state = new BehaviorSubject<EngineState>({ status: 'idle', token: null, session: null });
  /** Requests under way (a Set: thousands may be, and each must leave in O(1)). */
  const underWay = new Set<Subscriber<never>>();
  let running: Subscription | null = null;
  let wanted = 0;
  let cycle: Subscription | null = null;
  /** Whether the cycle under way is a login: nothing is at stake if it is cancelled. */
  let cycleIsLogin = false;
  let disposed = false;
  /** When the last cycle started, for the politeness floor. */
  let lastCycle = -Infinity;
  /** No auth call before this time: the server's Retry-After binds every caller. */
  let notBefore = -Infinity;
  /** Routes that answered 401 even to a token fresh from a refresh, and until when that verdict holds (that token's expiry). */
  const refusing = new Map<string, number>();
  let refusedWithoutRoute: string | null = null;
  /** Sessions whose refresh token the server rejected (kept apart: the session itself, and its expiry, stay). */
  const spent = new WeakSet<Session>();

  const update = (patch: Partial<EngineState>) => state.next({ ...state.value, ...patch });

  /** The state's token if it has not expired by the clock now; reading it changes nothing. */
  const validToken = ({ token, session }: EngineState): string | null =>
    token !== null && session !== null && scheduler.now() < session.expiresAt ? token : null;

  /** Drops the token once its expiry has passed, even if its timer is late (a laptop that slept). */
  const dropExpiredToken = () => {
    const { token, status } = state.value;
    if (token !== null && validToken(state.value) === null) {
      update({ token: null, status: status === 'authenticated' ? 'idle' : status });
    }
  };

  const refreshAt = (session: Session) => refreshTime(session, options.refreshLeadTime);
  /** The earliest time the engine may start a cycle by itself. */
  const politeAt = (time: number) => Math.max(time, lastCycle + MIN_CYCLE_INTERVAL, notBefore);

  /** The AuthError of a Retry-After still running, for callers who would need an auth call now. */
  const rateLimited = (): AuthError | null => {
    const wait = notBefore - scheduler.now();
    return wait > 0 ? new AuthError('rate-limited', `The auth server asked to wait; ${Math.ceil(wait / 1000)} s remain`, { retryAfter: wait }) : null;
  };

  /**
   * Starts an auth cycle (login, or refresh falling back to login, with
   * retries) unless one is under way: a demand while one runs joins it. The
   * cycle is cleared before its result is published, so that code reacting
   * to the new state (even synchronously) can demand the next one.
   */
  const demand = () => {
    if (cycle || disposed || scheduler.now() < notBefore) return;
    const previous = state.value.session;
    lastCycle = scheduler.now();
    update({ status: previous ? 'refreshing' : 'authenticating', error: undefined });
    const current = new Subscription();
    cycle = current;
    const settle = (patch: Partial<EngineState>) => {
      if (cycle === current) cycle = null;
      update(patch);
    };
    // A refresh token the server rejected is never sent again (reuse detection would see theft).
    const usable = previous && spent.has(previous) ? { ...previous, refreshToken: null } : previous;
    const discardRefreshToken = () => previous && spent.add(previous);
    // A store's cycle may hold the fleet's lock: it is never cancelled half-way.
    cycleIsLogin = !shared && !usable?.refreshToken;
    const alone = (base: Session | null) => authenticate(options, base, discardRefreshToken, () => wanted > 0);
    current.add(
      (shared ? shared({ previous: usable, authenticate: alone, coordination: (coordination) => update({ coordination }) }) : alone(usable)).subscribe({
        next: (session) => settle({ status: 'authenticated', session, token: session.accessToken, error: undefined }),
        error: (error: AuthError) => {
          if (error.retryAfter !== undefined) notBefore = Math.max(notBefore, scheduler.now() + error.retryAfter);
          settle({ status: 'error', error });
        },
      }),
    );
  };

  const timers = state.pipe(
    map((s) => s.session),
    distinctUntilChanged(),
    switchMap((session) => {
      if (!session) return EMPTY;
      const refresh = refreshOn === 'unauthorized' ? EMPTY : timerAt(politeAt(refreshAt(session)), scheduler).pipe(tap(demand));
      return merge(refresh, timerAt(session.expiresAt, scheduler).pipe(tap(dropExpiredToken)));
    }),
  );

  /**
   * After a cycle fails for a passing reason (not a rejected API key), try
   * again after retry.maxDelay (or a longer Retry-After), so that an app
   * that shows token$ recovers from an outage without a request.
   */
  const recovery = state.pipe(
    map((s) => (s.status === 'error' ? s.error : undefined)),
    distinctUntilChanged(),
    switchMap((error) => {
      if (!error || error.reason === 'rejected' || error.reason === 'redirected') return EMPTY;
      return timerAt(politeAt(scheduler.now() + options.retry.maxDelay), scheduler).pipe(tap(demand));
    }),
  );

  /** Someone wants tokens: run the timers while anyone does. */
  const acquire = () => {
    if (wanted++ > 0 || disposed || running) return; // still running: its teardown was not due yet
    running = new Subscription();
    running.add(timers.subscribe());
    running.add(recovery.subscribe());
  };
  /**
   * Nobody wants tokens: the timers stop, a moment later (the next turn of
   * the scheduler), so that back-to-back requests do not disarm and re-arm
   * them each time; a Node process still exits right after its last request.
   */
  let stopping = false;
  const release = () => {
    if (--wanted > 0 || stopping || !running) return;
    stopping = true;
    scheduler.schedule(() => {
      stopping = false;
      if (wanted > 0) return;
      running?.unsubscribe();
      running = null;
      // A login nobody waits for is cancelled; a refresh on the wire finishes (its refresh token may be spent) but is not retried.
      if (cycle && cycleIsLogin) {
        cycle.unsubscribe();
        cycle = null;
        update({ status: 'idle' });
      }
    });
  };

  /** The first state after `before` that `accept`s, or the error of a cycle that failed meanwhile. */
  const waitFor = (before: EngineState, accept: (s: EngineState) => boolean): Observable<string> =>
    state.pipe(
      filter((s) => (accept(s) && s.token !== null) || (s.status === 'error' && s !== before)),
      take(1),
      map((s) => {
        if (s.token === null || !accept(s)) throw s.error;
        return s.token;
      }),
      throwIfEmpty(() => new DisposedError()),
    );

  /**
   * A caller's request (or refresh()), made by `make` at subscription, tied
   * to this engine's life: it keeps the engine wanted while under way; after
   * dispose() it fails with DisposedError at once, and a request under way is
   * cancelled (its HTTP request aborted) and fails the same way.
   */
  const bound = <T>(make: () => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (hold(subscriber)) subscriber.add(make().subscribe(subscriber));
    });

  /**
   * bound's bookkeeping, for a caller that makes its own Observable: false
   * (and `subscriber` failed) after dispose(). A request that carries no
   * token (`wants` false) still ends with dispose(), but keeps no timer running.
   */
  const hold = (subscriber: Subscriber<never>, wants = true): boolean => {
    if (disposed) {
      subscriber.error(new DisposedError());
      return false;
    }
    underWay.add(subscriber);
    if (wants) acquire();
    subscriber.add(() => {
      underWay.delete(subscriber);
      if (wants) release();
    });
    return true;
  };

  /**
   * The token a request can use now, or null when it has to wait for a
   * cycle. After a failed cycle, or inside the lead window, it also starts
   * the next cycle in the background (politely: a token is at hand).
   */
  const tokenAtHand = (): string | null => {
    dropExpiredToken();
    const { token, status, session } = state.value;
    if (token === null) return null;
    const now = scheduler.now();
    const due = status === 'error' || (refreshOn !== 'unauthorized' && now >= refreshAt(session!));
    if (due && now >= politeAt(-Infinity)) demand();
    return token;
  };

  /**
   * Runs `use` with a valid token: at once when there is one (the hot path
   * of every request), else after the (shared) cycle that gets one. A token
   * inside the refresh-lead window is used, and the refresh starts in the
   * background (refresh-ahead), so request-only apps see no expiry 401s.
   * Called when the request is subscribed (inside bound).
   */
  const withToken = <T>(use: (token: string) => Observable<T>): Observable<T> => {
    const token = tokenAtHand();
    return token !== null ? use(token) : nextToken().pipe(switchMap((fresh) => use(fresh)));
  };

  /**
   * For a request that has no token at hand (tokenAtHand() gave null): the
   * token of the cycle this starts or joins, or its error; the AuthError of a
   * Retry-After still running at once.
   */
  const nextToken = (): Observable<string> => {
    const before = state.value;
    const limited = rateLimited();
    if (limited) return throwError(() => limited);
    // A key (or token endpoint) that refused us is asked again at most once a second, however many
    // requests come one after another: the answer is not going to change faster, and a storm would.
    const { status, error } = before;
    if (status === 'error' && error?.reason === 'rejected' && scheduler.now() < lastCycle + MIN_CYCLE_INTERVAL) return throwError(() => error);
    demand();
    return awaitToken(before);
  };

  /**
   * The token the cycle under way will bring (or its error), shared by every
   * request that waits for it: one subscription to the state however many
   * wait, so that thousands of requests queued behind a login hold little.
   * Forgotten as it answers: a request made while the answer is delivered
   * waits for the next cycle rather than joining a finished one.
   */
  let awaited: Observable<string> | null = null;
  const awaitToken = (before: EngineState): Observable<string> => {
    if (awaited) return awaited;
    const forget = () => {
      if (awaited === wait) awaited = null;
    };
    const wait: Observable<string> = waitFor(before, () => true).pipe(tap({ next: forget, error: forget, finalize: forget }), share());
    return (awaited = wait);
  };

  /**
   * The server said 401 to `rejected`. If it is still the current token it
   * is dropped and a refresh demanded; either way, the next valid token.
   */
  const renew = (rejected: string): Observable<string> =>
    bound(() => {
      if (state.value.token === rejected) update({ token: null });
      return withToken((token) => of(token));
    });

  /** Forces a new session now (or joins the cycle under way). */
  const refresh = (): Observable<string> =>
    bound(() => {
      const limited = rateLimited();
      if (limited) return throwError(() => limited);
      const before = state.value;
      demand();
      return waitFor(before, (s) => s.session !== before.session);
    });

  /** The state, wanted while subscribed; the first subscriber with no token starts the login. */
  const live = new Observable<EngineState>((subscriber) => {
    if (disposed) return subscriber.complete();
    acquire();
    dropExpiredToken();
    if (state.value.token === null && state.value.status === 'idle' && !rateLimited()) demand();
    subscriber.add(state.subscribe(subscriber));
    subscriber.add(release);
  });

  return {
    token$: live.pipe(map(validToken), distinctUntilChanged()),
    state$: live.pipe(map(toPublicState), distinctUntilChanged(sameState)),
    get token(): string | null {
      return disposed ? null : validToken(state.value);
    },
    get state(): AuthState {
      return toPublicState(state.value);
    },
    withToken,
    tokenAtHand,
    nextToken,
    bound,
    hold,
    renew,
    refresh,
    /**
     * Whether a 401 to `token` on `route` goes to the caller without a refresh: the route refused even a token
     * fresh from a refresh, for the rest of that token's life (a refresh another route caused does not reset it).
     * Without a route, while `token` is the one a resend after a refresh was refused with.
     */
    refuses: (route: Route | undefined, token: string): boolean =>
      route === undefined ? token === refusedWithoutRoute : refusing.size > 0 && scheduler.now() < (refusing.get(nameOf(route)) ?? -Infinity),
    refused(route: Route | undefined, token: string): void {
      const { session } = state.value;
      if (token !== state.value.token || !session) return;
      if (route === undefined) return void (refusedWithoutRoute = token);
      if (refusing.size > 100) refusing.clear(); // bounded; it only saves refreshes
      refusing.set(nameOf(route), session.expiresAt);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      running?.unsubscribe();
      cycle?.unsubscribe();
      [...underWay].forEach((request) => request.error(new DisposedError()));
      state.complete();
    },
  };
}

export type TokenEngine = ReturnType<typeof createTokenEngine>;
