import { BehaviorSubject, throwError } from 'rxjs';
import { ServerRenderingError, type AuthState, type BearerAuth } from 'rx-bearer';

/**
 * What a server render gets: token$ stays null, state$ stays idle, nothing is
 * sent, and anything that needs a token fails with ServerRenderingError.
 */
export function inertBearerAuth(): BearerAuth {
  const token$ = new BehaviorSubject<string | null>(null);
  const state$ = new BehaviorSubject<AuthState>({ status: 'idle' });
  const refuse = () => throwError(() => new ServerRenderingError());
  return {
    token$: token$.asObservable(),
    token: null,
    state$: state$.asObservable(),
    fetch: refuse,
    json: refuse,
    authorize: refuse,
    refresh: refuse,
    dispose: () => {
      token$.complete();
      state$.complete();
    },
  };
}
