import { BehaviorSubject, throwError } from 'rxjs';
import { ServerRenderingError, type AuthState, type BearerAuth, type CredentialScope } from 'rx-bearer';

/** Lets no credential go anywhere: a server render sends none. */
const nowhere: CredentialScope = Object.freeze({
  baseUrl: '',
  origins: new Set<string>(),
  authUrl: () => {
    throw new ServerRenderingError();
  },
  tokenUrl: null,
  tokenUrlCredentials: 'same-origin',
  resolve: () => null,
  allowsToken: () => false,
  isAuthRoute: () => false,
  keepsCredentials: () => false,
});

/**
 * What a server render gets: token$ stays null, state$ stays idle, nothing is
 * sent, the interceptor leaves every request as it is (its scope allows no
 * URL), and anything that needs a token fails with ServerRenderingError.
 */
export function inertBearerAuth(): BearerAuth {
  const token$ = new BehaviorSubject<string | null>(null);
  const state$ = new BehaviorSubject<AuthState>({ status: 'idle' });
  const refuse = () => throwError(() => new ServerRenderingError());
  return {
    token$: token$.asObservable(),
    token: null,
    state$: state$.asObservable(),
    scope: nowhere,
    fetch: refuse,
    json: refuse,
    authorize: refuse,
    refresh: refuse,
    toJSON: () => state$.value,
    dispose: () => {
      token$.complete();
      state$.complete();
    },
  };
}
