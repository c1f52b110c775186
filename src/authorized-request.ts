import { Observable, type Subscriber, type Subscription, type TeardownLogic } from 'rxjs';
import { DisposedError } from './errors.js';
import type { TokenEngine } from './token-engine.js';
import type { Refusable, SendPhase, UnauthorizedPolicy } from './unauthorized.js';

/** One request, as the pipeline sends it. */
export interface RequestPlan<T> extends Refusable {
  /**
   * Starts one send with `token`: its answer goes to `subscriber` (next, then
   * complete), a failure to `failed`; returns the teardown that cancels it.
   * Callbacks rather than an Observable per send: thousands may be in flight.
   * Outside the 'first' phase, a refusal is reported to the policy by the
   * send itself (it knows its answer's shape), and so is an answer that
   * accepted the token.
   */
  send(token: string, phase: SendPhase, subscriber: Subscriber<T>, failed: (error: unknown) => void): TeardownLogic;
  /** Whether a failure of a 'first' send means "the token was refused". */
  isRefusal(error: unknown): boolean;
  /** The caller's signal: it also ends the waits for a token. */
  readonly signal?: AbortSignal | null | undefined;
}

/** `make()`'s Observable, failing with the signal's reason as soon as it aborts (as fetch does); already aborted: never made. */
export function untilAborted<T>(signal: AbortSignal | null | undefined, make: () => Observable<T>): Observable<T> {
  if (!signal) return make();
  return new Observable<T>((subscriber) => {
    const abort = () => subscriber.error(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    subscriber.add(() => signal.removeEventListener('abort', abort));
    subscriber.add(make().subscribe(subscriber));
  });
}

/**
 * The one request pipeline: auth.fetch, auth.json and authorize() (and
 * through it the Angular interceptor) are plans sent by it. A request takes
 * the token at hand (the fast lane: one send, nothing else built, no timer
 * armed) or waits for the next one; a refused first send gets the 401
 * policy's one resend. Requests end with dispose().
 */
export function requestPipeline(engine: TokenEngine, policy: UnauthorizedPolicy) {
  /** Requests under way (a Set: thousands may be, and each must leave in O(1)). */
  const underWay = new Set<Subscriber<never>>();
  engine.ended.subscribe({ complete: () => [...underWay].forEach((request) => request.error(new DisposedError())) });

  /** Ties a request to the engine's life: after dispose() it fails with DisposedError at once (false), and one under way is ended. */
  const hold = (subscriber: Subscriber<never>): boolean => {
    if (engine.disposed) {
      subscriber.error(new DisposedError());
      return false;
    }
    underWay.add(subscriber);
    subscriber.add(() => underWay.delete(subscriber));
    return true;
  };

  /** The first send with `token`; a refusal of it is answered with the policy's one resend. */
  function sendWith<T>(plan: RequestPlan<T>, subscriber: Subscriber<T>, token: string): TeardownLogic {
    const phase = policy.firstPhase(token, plan);
    const fail = (error: unknown) => subscriber.error(error);
    return plan.send(token, phase, subscriber, (error) => {
      if (phase !== 'first' || !plan.isRefusal(error)) return fail(error);
      // Waiting for the renewed token, the caller's signal is honoured as on the way in.
      const renewed = untilAborted(plan.signal, () => policy.renew(token));
      subscriber.add(renewed.subscribe({ next: (fresh) => subscriber.add(plan.send(fresh, 'resend', subscriber, fail)), error: fail }));
    });
  }

  /** Runs `plan` on `subscriber` (the caller's), returning its teardown. */
  function run<T>(plan: RequestPlan<T>, subscriber: Subscriber<T>): TeardownLogic {
    if (!hold(subscriber)) return undefined;
    const token = engine.current();
    if (token !== null) return sendWith(plan, subscriber, token);
    // The wait for the next token is shared with every request that waits; an aborted signal starts nothing.
    return untilAborted(plan.signal, engine.next).subscribe({
      next: (fresh) => subscriber.add(sendWith(plan, subscriber, fresh)),
      error: (error: unknown) => subscriber.error(error),
    });
  }

  return {
    run,
    hold,
    /** `plan` as an Observable: each subscription is one request. */
    authorized: <T>(plan: RequestPlan<T>): Observable<T> => new Observable<T>((subscriber) => run(plan, subscriber)),
  };
}

export type RequestPipeline = ReturnType<typeof requestPipeline>;
