import {
  BehaviorSubject, EMPTY, Observable, Subscription, type Subscriber, defer, distinctUntilChanged,
  filter, map, merge, of, switchMap, take, tap, throwIfEmpty,
} from 'rxjs';
import { authenticate } from './auth-cycle.js';
import { retryAfterMs } from './backoff.js';
import { toPublicState, sameState, type AuthState, type EngineState } from './auth-state.js';
import { DisposedError, type AuthError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { timerAt } from './timer-at.js';

/**
 * The token state machine. One auth cycle (login or refresh, with retries)
 * runs at a time: every demand while it runs joins it, which is how N
 * concurrent 401s, refresh() and the timer share one refresh. Each new session
 * arms its refresh and expiry timers (switchMap: a newer session cancels the
 * older timers). Nothing starts before the first use.
 */
export function createTokenEngine(options: ResolvedOptions) {
  const { scheduler, refreshOn } = options;
  const state = new BehaviorSubject<EngineState>({ status: 'idle', token: null, session: null });
  /** Requests under way (a Set: thousands may be, and each must leave in O(1)). */
  const underWay = new Set<Subscriber<unknown>>();
  const running = new Subscription();
  let cycle: Subscription | null = null;
  let started = false;
  let disposed = false;

  const update = (patch: Partial<EngineState>) => state.next({ ...state.value, ...patch });

  /** Drops the token once its expiry has passed, even if its timer is late (a laptop that slept). */
  const dropExpiredToken = () => {
    const { token, session, status } = state.value;
    if (token !== null && session && scheduler.now() >= session.expiresAt) {
      update({ token: null, status: status === 'authenticated' ? 'idle' : status });
    }
  };

  /**
   * Starts an auth cycle (login, or refresh falling back to login, with
   * retries) unless one is under way: a demand while one runs joins it. The
   * cycle is cleared before its result is published, so that code reacting
   * to the new state (even synchronously) can demand the next one.
   */
  const demand = () => {
    if (cycle || disposed || !started) return;
    const previous = state.value.session;
    update({ status: previous ? 'refreshing' : 'authenticating', error: undefined });
    const current = new Subscription();
    cycle = current;
    const settle = (patch: Partial<EngineState>) => {
      if (cycle === current) cycle = null;
      update(patch);
    };
    current.add(
      authenticate(options, previous).subscribe({
        next: (session) => settle({ status: 'authenticated', session, token: session.accessToken, error: undefined }),
        error: (error: AuthError) => settle({ status: 'error', error }),
      }),
    );
  };

  const timers = state.pipe(
    map((s) => s.session),
    distinctUntilChanged(),
    switchMap((session) => {
      if (!session) return EMPTY;
      const lifetime = session.expiresAt - session.issuedAt;
      const refreshAt = session.expiresAt - Math.min(options.refreshLeadTime, lifetime / 2);
      const refresh = refreshOn === 'unauthorized' ? EMPTY : timerAt(refreshAt, scheduler).pipe(tap(demand));
      return merge(refresh, timerAt(session.expiresAt, scheduler).pipe(tap(dropExpiredToken)));
    }),
  );

  /**
   * After a cycle fails for a passing reason (not a rejected API key), try
   * again after retry.maxDelay (or a longer Retry-After), so that an app
   * that only shows token$ recovers from an outage without a request.
   */
  const recovery = state.pipe(
    map((s) => (s.status === 'error' ? s.error : undefined)),
    distinctUntilChanged(),
    switchMap((error) => {
      if (!error || error.reason === 'rejected') return EMPTY;
      const wait = Math.max(options.retry.maxDelay, retryAfterMs(error.cause, scheduler.now()) ?? 0);
      return timerAt(scheduler.now() + wait, scheduler).pipe(tap(demand));
    }),
  );

  const start = () => {
    if (started || disposed) return;
    started = true;
    running.add(timers.subscribe());
    running.add(recovery.subscribe());
    demand();
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

  const guarded = <T>(body: () => Observable<T>): Observable<T> =>
    defer(() => {
      if (disposed) throw new DisposedError();
      start();
      dropExpiredToken();
      return body();
    });

  /**
   * A caller's request, made by `make` at subscription, tied to this
   * engine's life: after dispose() it fails with DisposedError at once, and
   * a request under way is cancelled (its HTTP request aborted) and fails
   * the same way.
   */
  const bound = <T>(make: () => Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      if (disposed) return subscriber.error(new DisposedError());
      underWay.add(subscriber);
      subscriber.add(() => underWay.delete(subscriber));
      subscriber.add(make().subscribe(subscriber));
    });

  /**
   * Runs `use` with a valid token: at once when there is one (the hot path
   * of every request), else after the (shared) cycle that gets one. Called
   * when the request is subscribed (inside bound or guarded), so that it
   * sees the state of that moment without an Observable of its own.
   */
  const withToken = <T>(use: (token: string) => Observable<T>): Observable<T> => {
    start();
    dropExpiredToken();
    const before = state.value;
    // After a failed cycle the next use tries again, while a still-valid token keeps serving.
    if (before.token === null || before.status === 'error') demand();
    return before.token !== null ? use(before.token) : waitFor(before, () => true).pipe(switchMap((token) => use(token)));
  };

  /**
   * The server said 401 to `rejected`. If it is still the current token it
   * is dropped and a refresh demanded; either way, the next valid token.
   */
  const renew = (rejected: string): Observable<string> =>
    guarded(() => {
      if (state.value.token === rejected) update({ token: null });
      return withToken((token) => of(token));
    });

  /** Forces a new session now (or joins the cycle under way). */
  const refresh = (): Observable<string> =>
    guarded(() => {
      const before = state.value;
      demand();
      return waitFor(before, (s) => s.session !== before.session);
    });

  /** The state, starting the engine for its first subscriber (lazy login). */
  const live = defer(() => {
    start();
    return state;
  });

  return {
    token$: live.pipe(
      map((s) => s.token),
      distinctUntilChanged(),
    ),
    state$: live.pipe(map(toPublicState), distinctUntilChanged(sameState)),
    get token(): string | null {
      if (!disposed) dropExpiredToken();
      return disposed ? null : state.value.token;
    },
    get state(): AuthState {
      return toPublicState(state.value);
    },
    withToken,
    bound,
    renew,
    refresh,
    dispose(): void {
      if (disposed) return;
      disposed = true;
      running.unsubscribe();
      cycle?.unsubscribe();
      [...underWay].forEach((request) => request.error(new DisposedError()));
      state.complete();
    },
  };
}

export type TokenEngine = ReturnType<typeof createTokenEngine>;
