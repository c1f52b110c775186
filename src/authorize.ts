import { catchError, switchMap, tap, throwError, type Observable } from 'rxjs';
import { statusOf } from './errors.js';
import type { Route, TokenEngine } from './token-engine.js';

export interface AuthorizeOptions {
  /** Whether an error means "this token was refused". @default an error whose `status` is 401 */
  isUnauthorized?: (error: unknown) => boolean;
  /**
   * What the request is for, e.g. `'GET https://ws.api.video/videos'`: a route that refuses even a
   * token fresh from a refresh then gets its later 401s without another refresh. @default none
   */
  route?: string;
}

/** Matches HttpError, Angular's HttpErrorResponse, rxjs' AjaxError, axios errors' `status`. */
export const hasStatus401 = (error: unknown): boolean => statusOf(error) === 401;

/**
 * How a send is made: 'first' (a 401 takes the refresh-and-resend path),
 * 'resend' (the one retry, with a token fresh from a refresh) or 'only'
 * (no retry follows: a 401 goes to the caller).
 */
export type SendPhase = 'first' | 'resend' | 'only';

/**
 * Runs `send` with a valid token. When it fails as unauthorized (and 401s
 * are a refresh trigger), the token is handed back to the engine, which
 * refreshes only if that token is still current, and `send` runs once more
 * with the next token. A `route` that refuses even that fresh token is
 * remembered, and its later 401s reach the caller without another refresh
 * for the rest of that token's life: a forbidden endpoint costs one refresh,
 * not one per request.
 */
export function authorizeWith<T>(
  engine: TokenEngine,
  send: (token: string, phase: SendPhase) => Observable<T>,
  isUnauthorized: (error: unknown) => boolean,
  retryOn401: boolean,
  route?: Route,
): Observable<T> {
  const attempt = (token: string): Observable<T> => {
    if (firstSend(engine, retryOn401, token, route) === 'only') return send(token, 'only');
    return send(token, 'first').pipe(
      catchError((error: unknown) => (isUnauthorized(error) ? resendRenewed(engine, send, isUnauthorized, token, route) : throwError(() => error))),
    );
  };
  return engine.withToken(attempt);
}

/** How the first send with `token` is made: 'first' while a 401 may take the refresh path, else 'only'. */
export const firstSend = (engine: TokenEngine, retryOn401: boolean, token: string, route?: Route): SendPhase =>
  retryOn401 && !engine.refuses(route, token) ? 'first' : 'only';

/**
 * After `refused` got a 401: the engine renews it (a refresh only if it is
 * still the current token), and `send` runs once more with the next token.
 * If that fresh token is refused too, the route is remembered as refusing.
 */
export function resendRenewed<T>(
  engine: TokenEngine,
  send: (token: string, phase: SendPhase) => Observable<T>,
  isUnauthorized: (error: unknown) => boolean,
  refused: string,
  route?: Route,
): Observable<T> {
  return engine.renew(refused).pipe(
    switchMap((fresh) => send(fresh, 'resend').pipe(tap({ error: (again: unknown) => isUnauthorized(again) && engine.refused(route, fresh) }))),
  );
}
