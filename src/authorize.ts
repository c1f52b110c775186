import { catchError, switchMap, throwError, type Observable } from 'rxjs';
import { statusOf } from './errors.js';
import type { TokenEngine } from './token-engine.js';

export interface AuthorizeOptions {
  /** Whether an error means "this token was refused". @default an error whose `status` is 401 */
  isUnauthorized?: (error: unknown) => boolean;
}

/** Matches HttpError, Angular's HttpErrorResponse, rxjs' AjaxError, axios errors' `status`. */
export const hasStatus401 = (error: unknown): boolean => statusOf(error) === 401;

/**
 * Runs `send` with a valid token. When it fails as unauthorized (and 401s
 * are a refresh trigger), the token is handed back to the engine, which
 * refreshes only if that token is still current, and `send` runs once more
 * with the next token; `last` tells it that no further retry will follow, so
 * a second refusal reaches the caller.
 */
export function authorizeWith<T>(
  engine: TokenEngine,
  send: (token: string, last: boolean) => Observable<T>,
  isUnauthorized: (error: unknown) => boolean,
  retryOn401: boolean,
): Observable<T> {
  const attempt = (token: string): Observable<T> => {
    const sent = send(token, !retryOn401);
    if (!retryOn401) return sent;
    return sent.pipe(
      catchError((error: unknown) => {
        if (!isUnauthorized(error)) return throwError(() => error);
        return engine.renew(token).pipe(switchMap((fresh) => send(fresh, true)));
      }),
    );
  };
  return engine.withToken(attempt);
}
