import { DEV } from './dev.js';
import { allowedAt, fullBudget, holdUntil, spend, CYCLE_INTERVAL, type Asker, type AuthBudget } from './auth-budget.js';
import type { AuthStatus } from './auth-state.js';
import { AuthError } from './errors.js';
import type { Session } from './token-response.js';
import type { Coordination } from './token-store.js';

/** The engine's own state; unlike AuthState it holds the session, so it never leaves the engine. */
export interface EngineState {
  readonly status: AuthStatus;
  /** The token to send now, or null when there is none that is valid. */
  readonly token: string | null;
  /** The latest session: its refresh token outlives `token`. */
  readonly session: Session | null;
  /** The server rejected the session's refresh token: it is never sent again (reuse detection would see theft). */
  readonly refreshSpent: boolean;
  /** When the last cycle started. */
  readonly startedAt: number;
  /** How many cycles have started: tells a waiter whether an error is news. */
  readonly cycles: number;
  readonly budget: AuthBudget;
  readonly error?: AuthError;
  readonly coordination?: Coordination;
}

/** What happens to the token lifecycle; the state is their reduction. */
export type EngineEvent =
  | { readonly type: 'started'; readonly at: number }
  | { readonly type: 'succeeded'; readonly session: Session }
  | { readonly type: 'failed'; readonly at: number; readonly error: AuthError }
  /** A login nobody waited for any more was cancelled. */
  | { readonly type: 'cancelled' }
  /** The server refused `token` (a 401 to it). */
  | { readonly type: 'refused'; readonly token: string }
  /** The clock says `at`: a token past its expiry is dropped. */
  | { readonly type: 'expired'; readonly at: number }
  /** The server rejected the refresh token of `session`. */
  | { readonly type: 'refresh-rejected'; readonly session: Session }
  | { readonly type: 'coordinated'; readonly coordination: Coordination };

export const initialState: EngineState = Object.freeze({ status: 'idle', token: null, session: null, refreshSpent: false, startedAt: -Infinity, cycles: 0, budget: fullBudget });

const isExpired = ({ token, session }: EngineState, now: number) => token !== null && session !== null && now >= session.expiresAt;

/** The next state; the same object when the event changes nothing, so that nobody is told of a non-change. */
export function reduce(state: EngineState, event: EngineEvent): EngineState {
  switch (event.type) {
    case 'started':
      return { ...state, status: state.session ? 'refreshing' : 'authenticating', error: undefined, startedAt: event.at, cycles: state.cycles + 1, budget: spend(state.budget, event.at) };
    case 'succeeded':
      return { ...state, status: 'authenticated', session: event.session, token: event.session.accessToken, refreshSpent: false, error: undefined };
    case 'failed': {
      const { retryAfter } = event.error;
      const budget = retryAfter === undefined ? state.budget : holdUntil(state.budget, event.at + retryAfter);
      return { ...state, status: 'error', error: event.error, budget };
    }
    case 'cancelled':
      return { ...state, status: 'idle' };
    case 'refused':
      return state.token === event.token ? { ...state, token: null } : state;
    case 'expired':
      return isExpired(state, event.at) ? { ...state, token: null, status: state.status === 'authenticated' ? 'idle' : state.status } : state;
    case 'refresh-rejected':
      return state.session === event.session && !state.refreshSpent ? { ...state, refreshSpent: true } : state;
    case 'coordinated':
      return state.coordination === event.coordination ? state : { ...state, coordination: event.coordination };
  }
}

/** The state's token if it has not expired by `now`. */
export const validToken = (state: EngineState, now: number): string | null => (state.token !== null && !isExpired(state, now) ? state.token : null);

/** Whether a login or refresh is under way. */
export const cycling = ({ status }: EngineState): boolean => status === 'authenticating' || status === 'refreshing';

/** The session a new cycle starts from: without a refresh token the server rejected. */
export const usableSession = ({ session, refreshSpent }: EngineState): Session | null =>
  session && refreshSpent ? { ...session, refreshToken: null } : session;

/** The earliest time `asker` may start a cycle (the auth budget). */
export const cycleAllowedAt = (state: EngineState, asker: Asker): number => allowedAt(state.budget, asker);

/**
 * Why a caller that needs a cycle now cannot have one, or null: the
 * server's Retry-After still runs (every caller is told the remaining wait),
 * or the last login was refused or redirected less than a second ago (its
 * verdict stands for that second: the answer will not change faster).
 */
export function refusalOf(state: EngineState, now: number): AuthError | null {
  const wait = state.budget.notBefore - now;
  if (wait > 0) return new AuthError('rate-limited', DEV ? `The auth server asked to wait; ${Math.ceil(wait / 1000)} s remain` : 'wait', { retryAfter: wait });
  const { status, error } = state;
  const verdict = status === 'error' && (error?.reason === 'rejected' || error?.reason === 'redirected');
  return verdict && now < state.startedAt + CYCLE_INTERVAL ? error! : null;
}
