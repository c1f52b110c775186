import type { AuthError } from './errors.js';
import type { Session } from './token-response.js';
import type { Coordination } from './token-store.js';

export type AuthStatus = 'idle' | 'authenticating' | 'authenticated' | 'refreshing' | 'error';

/** What `state$` reports; it never holds a secret. */
export interface AuthState {
  readonly status: AuthStatus;
  /** When the current token expires (scheduler time, ms since the epoch with the default scheduler). */
  readonly expiresAt?: number;
  /** Why the last login or refresh failed, while status is 'error'. */
  readonly error?: AuthError;
  /** With a `store`: 'shared' while the fleet shares one session, 'alone' while the store does not answer (this process then goes on by itself). */
  readonly coordination?: Coordination;
}

/** The engine's own state; unlike AuthState it holds the session, so it never leaves the engine. */
export interface EngineState {
  readonly status: AuthStatus;
  /** The token to send now, or null when there is none that is valid. */
  readonly token: string | null;
  /** The latest session: its refresh token outlives `token`. */
  readonly session: Session | null;
  readonly error?: AuthError;
  readonly coordination?: Coordination;
}

/** The public view of an engine state: no token, no secret. */
export const toPublicState = ({ status, session, error, coordination }: EngineState): AuthState => ({
  status,
  ...(session ? { expiresAt: session.expiresAt } : {}),
  ...(error ? { error } : {}),
  ...(coordination ? { coordination } : {}),
});

export const sameState = (a: AuthState, b: AuthState) => a.status === b.status && a.expiresAt === b.expiresAt && a.error === b.error && a.coordination === b.coordination;
