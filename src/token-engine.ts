import { DEV } from './dev.js';
import {
  BehaviorSubject, EMPTY, Observable, Subject, catchError, defer, distinctUntilChanged, exhaustMap, filter, finalize, map, merge, of,
  raceWith, scan, share, switchMap, take, takeUntil, tap, throwError, throwIfEmpty, timer,
} from 'rxjs';
import { authenticate } from './auth-cycle.js';
import type { Asker } from './auth-budget.js';
import { toPublicState, sameState, type AuthState } from './auth-state.js';
import {
  cycleAllowedAt, cycling, initialState, reduce, refusalOf, usableSession, validToken, type EngineEvent, type EngineState,
} from './engine-state.js';
import { AuthError, DisposedError } from './errors.js';
import type { ResolvedOptions } from './options.js';
import { refreshTime } from './refresh-time.js';
import type { Session } from './token-response.js';
import { timerAt } from './timer-at.js';

/**
 * The token lifecycle, and nothing of requests: the current token, "this
 * token was refused", the next token, refresh() and the state.
 *
 * - The state is the reduction of the lifecycle's events (engine-state's
 *   `reduce`), held for synchronous reads.
 * - One auth cycle (login or refresh, with retries) runs at a time: demands
 *   go through `exhaustMap`, so every demand while one runs (or waits for the
 *   budget) joins it. Every cycle, whoever asks, first waits for the auth
 *   budget (auth-budget).
 * - Each session arms its refresh and expiry timers by `switchMap`.
 * - It works only while wanted: the timers are one shared pipeline that
 *   token$/state$ subscribers and callers waiting for a token hold; `share`
 *   ends it a turn of the scheduler after the last leaves, and a login
 *   nobody waits for is then cancelled (a refresh on the wire finishes: its
 *   refresh token may be spent). A caller with a token at hand holds nothing.
 */
export function createTokenEngine(options: ResolvedOptions) {
  const { scheduler, refreshOn } = options;
  const now = () => scheduler.now();
  // With a store, each cycle goes through it, so that a fleet shares one session.
  const shared = options.store?.open(options);

  const events = new Subject<EngineEvent>();
  const state = new BehaviorSubject<EngineState>(initialState);
  events.pipe(scan(reduce, initialState), distinctUntilChanged()).subscribe(state);
  let isDisposed = false;
  // Nothing is published once dispose() has begun: its own teardown (a login cancelled) is not news.
  const dispatch = (event: EngineEvent) => !isDisposed && events.next(event);
  /** Fires at dispose(): every timer and every cycle ends with it. */
  const disposing = new Subject<void>();

  /** Fires when the timers pipeline ends because nobody wants tokens any more. */
  const unwanted = new Subject<void>();
  let wanted = false;

  /** Drops the token once its expiry has passed, even if its timer is late (a laptop that slept). */
  const dropExpired = () => dispatch({ type: 'expired', at: now() });

  /** One auth cycle from the current state; its outcome is published once the flight is over (see below). */
  const cycle = (): Observable<EngineEvent> =>
    defer(() => {
      const { session } = state.value;
      const base = usableSession(state.value);
      dispatch({ type: 'started', at: now() });
      const rejectRefresh = () => session && dispatch({ type: 'refresh-rejected', session });
      const alone = (from: Session | null) => authenticate(options, from, rejectRefresh, () => wanted);
      const run = shared ? shared({ previous: base, authenticate: alone, coordination: (coordination) => dispatch({ type: 'coordinated', coordination }) }) : alone(base);
      const outcome = run.pipe(
        take(1),
        map((next): EngineEvent => ({ type: 'succeeded', session: next })),
        throwIfEmpty(() => new AuthError('unavailable', DEV ? 'The auth cycle ended without a session' : 'no session')),
        // A cycle ends with an event, never an error: the AuthError becomes the state's (a store's bug becomes one too).
        catchError((error: unknown) => {
          const failure = error instanceof AuthError ? error : new AuthError('unavailable', DEV ? 'The auth cycle failed' : 'failed', { cause: error });
          return of<EngineEvent>({ type: 'failed', at: now(), error: failure });
        }),
      );
      // A login nobody waits for is cancelled; a store's cycle (it may hold the fleet's lock) and a refresh on the wire are not.
      const cancellable = !shared && !base?.refreshToken;
      return cancellable ? outcome.pipe(raceWith(unwanted.pipe(take(1), map((): EngineEvent => ({ type: 'cancelled' }))))) : outcome;
    });

  /**
   * The cycles, one at a time. A demand waits for the auth budget (a wait
   * nobody wants is dropped), then runs a cycle. The flight completes before
   * its outcome is published, so that code reacting to the new state (even
   * synchronously) can demand the next cycle.
   */
  const demands = new Subject<Asker>();
  const flights = demands
    .pipe(
      exhaustMap((asker) => {
        const at = cycleAllowedAt(state.value, asker);
        const budget = at > now() ? timerAt(at, scheduler).pipe(takeUntil(unwanted)) : of(0);
        return new Observable<never>((subscriber) => {
          let result: EngineEvent | undefined;
          return budget.pipe(switchMap(cycle)).subscribe({
            next: (event) => (result = event),
            complete: () => {
              subscriber.complete();
              if (result) dispatch(result);
            },
          });
        });
      }),
      takeUntil(disposing),
    )
    .subscribe();
  const demand = (asker: Asker) => !isDisposed && demands.next(asker);

  const refreshAt = (session: Session) => refreshTime(session, options.refreshLeadTime);
  /** When the engine may start a cycle by itself, at `time` at the earliest. */
  const politeAt = (time: number) => Math.max(time, cycleAllowedAt(state.value, 'engine'));

  const timers = state.pipe(
    map((s) => s.session),
    distinctUntilChanged(),
    switchMap((session) => {
      if (!session) return EMPTY;
      const refresh = refreshOn === 'unauthorized' ? EMPTY : defer(() => timerAt(politeAt(refreshAt(session)), scheduler)).pipe(tap(() => demand('engine')));
      return merge(refresh, timerAt(session.expiresAt, scheduler).pipe(tap(dropExpired)));
    }),
  );

  /**
   * After a cycle fails for a passing reason (not a rejected or redirected
   * login), try again after retry.maxDelay (or a longer Retry-After), so that
   * an app that shows token$ recovers from an outage without a request.
   */
  const recovery = state.pipe(
    map((s) => (s.status === 'error' ? s.error : undefined)),
    distinctUntilChanged(),
    switchMap((error) => {
      if (!error || error.reason === 'rejected' || error.reason === 'redirected') return EMPTY;
      return defer(() => timerAt(politeAt(now() + options.retry.maxDelay), scheduler)).pipe(tap(() => demand('engine')));
    }),
  );

  /**
   * The engine's timers, run while anyone wants tokens: share's reset rules
   * keep them a turn of the scheduler after the last holder leaves, so that
   * back-to-back holders do not disarm and re-arm them each time, while a
   * Node process still exits right after its last one.
   */
  const alive = defer(() => {
    wanted = true;
    return merge(timers, recovery).pipe(takeUntil(disposing));
  }).pipe(
    finalize(() => {
      wanted = false;
      unwanted.next();
    }),
    share({ resetOnRefCountZero: () => timer(0, scheduler) }),
  );
  /** `source`, holding the timers while subscribed. */
  const holding = <T>(source: Observable<T>): Observable<T> =>
    new Observable<T>((subscriber) => {
      subscriber.add(alive.subscribe());
      subscriber.add(source.subscribe(subscriber));
    });

  /** The first state after `before` that `accept`s, or the error of a cycle that failed meanwhile; DisposedError if the engine ends first. */
  const waitFor = (before: EngineState, accept: (s: EngineState) => boolean): Observable<string> =>
    holding(
      state.pipe(
        // An error is news if a cycle failed since `before`: one under way then, or one started after it.
        filter((s) => (accept(s) && s.token !== null) || (s.status === 'error' && (before.status !== 'error' || s.cycles !== before.cycles))),
        take(1),
        map((s) => {
          if (s.token === null || !accept(s)) throw s.error;
          return s.token;
        }),
        throwIfEmpty(() => new DisposedError()),
      ),
    );

  /**
   * The token the cycle under way (or about to start) will bring, or its
   * error, shared by every caller that waits for it: one subscription to the
   * state however many wait. Forgotten as it answers, so that a caller who
   * asks while the answer is delivered waits for the next cycle.
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

  const afterDispose = <T>(make: () => Observable<T>): Observable<T> => defer(() => (isDisposed ? throwError(() => new DisposedError()) : make()));

  /**
   * The token a caller can use now, or null. Inside the lead window, or after
   * a failed cycle, it also starts the next cycle in the background, at the
   * engine's own pace (a token is at hand).
   */
  const current = (): string | null => {
    const s = state.value;
    if (s.token === null) return null;
    const at = now();
    if (at >= s.session!.expiresAt) {
      dropExpired();
      return null;
    }
    const due = s.status === 'error' || (refreshOn !== 'unauthorized' && at >= refreshAt(s.session!));
    if (due && !cycling(s) && at >= cycleAllowedAt(s, 'engine')) demand('engine');
    return s.token;
  };

  /**
   * For a caller without a token at hand: the token of the cycle this starts
   * or joins (after the budget allows it), or its error; at once the verdict
   * of a refused login still standing, or the remaining wait of a Retry-After.
   */
  const next = (): Observable<string> =>
    afterDispose(() => {
      const before = state.value;
      const refusal = refusalOf(before, now());
      if (refusal) return throwError(() => refusal);
      demand('caller');
      return awaitToken(before);
    });

  /** Whether a new token can follow a refusal of `token` now: it is stale, a cycle is under way, or the budget allows one. */
  const renewable = (token: string): boolean => {
    const s = state.value;
    return s.token !== token || cycling(s) || (refusalOf(s, now()) === null && now() >= cycleAllowedAt(s, 'caller'));
  };

  /** The server refused `token`: if it is still the current one it is dropped. Either way, the next valid token. */
  const refused = (token: string): Observable<string> =>
    afterDispose(() => {
      dispatch({ type: 'refused', token });
      const at = current();
      return at !== null ? of(at) : next();
    });

  /**
   * The server refused `token`, and no resend follows: if it is still the
   * current one it is dropped, and while anyone wants tokens the next cycle
   * starts as soon as the budget allows.
   */
  const revoked = (token: string): void => {
    if (state.value.token !== token) return;
    dispatch({ type: 'refused', token });
    if (wanted) demand('caller');
  };

  /** Forces a new session now (or joins the cycle under way), within the budget. */
  const refresh = (): Observable<string> =>
    afterDispose(() => {
      const before = state.value;
      const refusal = refusalOf(before, now());
      if (refusal) return throwError(() => refusal);
      demand('caller');
      return waitFor(before, (s) => s.session !== before.session);
    });

  /** The state, wanted while subscribed; the first subscriber with no token starts the login. */
  const live = new Observable<EngineState>((subscriber) => {
    if (isDisposed) return subscriber.complete();
    subscriber.add(alive.subscribe());
    dropExpired();
    const s = state.value;
    if (s.token === null && s.status === 'idle' && refusalOf(s, now()) === null) demand('caller');
    subscriber.add(state.subscribe(subscriber));
  });

  return {
    token$: live.pipe(map((s) => validToken(s, now())), distinctUntilChanged()),
    state$: live.pipe(map(toPublicState), distinctUntilChanged(sameState)),
    get token(): string | null {
      return isDisposed ? null : validToken(state.value, now());
    },
    get state(): AuthState {
      return toPublicState(state.value);
    },
    /** When the current session expires, if there is one. */
    get expiresAt(): number | undefined {
      return state.value.session?.expiresAt;
    },
    get disposed(): boolean {
      return isDisposed;
    },
    current,
    next,
    renewable,
    refused,
    revoked,
    refresh,
    /** Completes at dispose(). */
    ended: disposing.asObservable(),
    dispose(): void {
      if (isDisposed) return;
      isDisposed = true;
      disposing.next();
      disposing.complete();
      flights.unsubscribe();
      events.complete();
    },
  };
}

export type TokenEngine = ReturnType<typeof createTokenEngine>;
