import type { AuthError } from './errors.js';
import type { EngineState } from './engine-state.js';
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

/** The public view of an engine state: no token, no secret. */
export const toPublicState = ({ status, session, error, coordination }: EngineState): AuthState => ({
  status,
  ...(session ? { expiresAt: session.expiresAt } : {}),
  ...(error ? { error } : {}),
  ...(coordination ? { coordination } : {}),
});

export const sameState = (a: AuthState, b: AuthState) => a.status === b.status && a.expiresAt === b.expiresAt && a.error === b.error && a.coordination === b.coordination;
