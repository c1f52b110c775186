import type { SchedulerLike } from 'rxjs';
import { statusOf } from './errors.js';
import type { RefreshOn } from './options.js';
import type { TokenEngine } from './token-engine.js';

/** What a request tells the policy of itself. */
export interface Refusable {
  /** Its route (see bearer's routeOf), spelled when asked: the hot path never needs it. Absent: a request without a route. */
  routeName?(): string;
  /** Whether it can be sent twice (a stream body cannot). @default true */
  readonly resendable?: boolean;
}

/** Matches HttpError, Angular's HttpErrorResponse, rxjs' AjaxError, axios errors' `status`. */
export const hasStatus401 = (error: unknown): boolean => statusOf(error) === 401;

/**
 * How a send is made: 'first' (a refusal of its token is answered with a new
 * token and one resend), 'resend' (that one resend) or 'only' (no resend
 * follows: a 401 goes to the caller).
 */
export type SendPhase = 'first' | 'resend' | 'only';

/**
 * A carried 401 to a send in the 'first' phase, on its way from the send to
 * the request pipeline, which answers it with a resend. Never reaches a caller.
 */
export class TokenRefused extends Error {}

/**
 * The one 401 policy, for auth.fetch/json, authorize() and the Angular
 * interceptor (through authorize). A 401 to a token that is no longer the
 * current one just resends with the current one (the stale-token check); a
 * 401 to the current one drops it and resends once with the next token. No
 * resend is offered when a new token cannot be had now (the auth budget is
 * spent: the budget is the protection), or on a route that refused even a
 * token fresh from a refresh, for the rest of that token's life (a saving:
 * a forbidden endpoint costs one refresh, not one per request).
 *
 * A token the server has accepted once and now refuses, with the budget spent,
 * is revoked, not refused by a route: the 401 still goes to the caller at
 * once, but the token is dropped, so that the next request (or a token$
 * subscriber) gets a new one as soon as the budget allows, rather than the
 * dead token until its expiry.
 */
export function unauthorizedPolicy(engine: TokenEngine, { refreshOn, scheduler }: { refreshOn: RefreshOn; scheduler: SchedulerLike }) {
  const retryOn401 = refreshOn !== 'timer';
  /** Routes that refused a token fresh from a refresh, and until when that verdict holds (that token's expiry). */
  const refusing = new Map<string, number>();
  let refusedWithoutRoute: string | null = null;
  /** The last token the server answered with something other than a 401. */
  let accepted: string | null = null;

  const refuses = (request: Refusable, token: string): boolean =>
    request.routeName === undefined
      ? token === refusedWithoutRoute
      : refusing.size > 0 && scheduler.now() < (refusing.get(request.routeName()) ?? -Infinity);

  return {
    /** How the first send with `token` is made: 'first' while a refusal may be answered with one resend, else 'only'. */
    firstPhase(token: string, request: Refusable): SendPhase {
      return retryOn401 && request.resendable !== false && !refuses(request, token) && engine.renewable(token) ? 'first' : 'only';
    },
    /** After a refusal of `token`: the token to resend with (the next one, if `token` was the current one). */
    renew: (token: string) => engine.refused(token),
    /** The server answered `token` with something other than a 401 (one assignment per answer). */
    accepted(token: string): void {
      accepted = token;
    },
    /**
     * A send that took no resend path ('resend' or 'only') was refused. After
     * a resend, the route refuses even a fresh token (kept as a saving). With
     * no resend because the budget was spent, a token the server accepted
     * before has been revoked: it is dropped (see above).
     */
    refusedWithoutResend(request: Refusable, token: string, phase: SendPhase): void {
      if (token !== engine.token) return;
      if (phase === 'only') {
        const budgetHeldItBack = retryOn401 && request.resendable !== false && !refuses(request, token);
        if (budgetHeldItBack && token === accepted) engine.revoked(token);
        return;
      }
      const until = engine.expiresAt;
      if (until === undefined) return;
      if (request.routeName === undefined) return void (refusedWithoutRoute = token);
      if (refusing.size > 100) refusing.clear(); // bounded; it only saves refreshes
      refusing.set(request.routeName(), until);
    },
  };
}

export type UnauthorizedPolicy = ReturnType<typeof unauthorizedPolicy>;
