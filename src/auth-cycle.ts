import { catchError, defer, map, take, throwError, throwIfEmpty, timeout, type Observable } from 'rxjs';
import { RetryAfterTooLong, retryAfterMs, retryTransient } from './backoff.js';
import type { CredentialScope } from './credential-scope.js';
import { DEV } from './dev.js';
import { AuthError, InvalidTokenResponseError, AuthTimeoutError, statusOf, systemCode } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { TokenResponse } from './transport.js';
import { toSession, type Session } from './token-response.js';

/** 400, 401 and 403 from an auth route say "these credentials are no good": retrying cannot help. Spelled here only. */
export const isRejection = (error: unknown): boolean => [400, 401, 403].includes(statusOf(error) ?? 0);

/**
 * The final error of a failed cycle, in terms a caller can act on; a
 * Retry-After it carries binds every later call. `attempts` is how many calls
 * the failing step made: "after N attempts" only when it was retried, and a
 * system error code down the cause chain (ENOTFOUND) is named.
 */
function toAuthError(error: unknown, now: number, attempts: number, scope: CredentialScope): AuthError {
  if (error instanceof AuthError) return error;
  if (error instanceof RetryAfterTooLong) {
    const retryAfter = retryAfterMs(error.error, now);
    return new AuthError('rate-limited', DEV ? 'The auth server asked to wait longer than retry.maxDelay' : 'Retry-After > retry.maxDelay', { status: statusOf(error.error), cause: error.error, retryAfter });
  }
  const status = statusOf(error);
  if (isRejection(error)) return new AuthError('rejected', `The API key was rejected (HTTP ${status})`, { status, cause: error });
  if (error instanceof InvalidTokenResponseError) return new AuthError('invalid-response', error.message, { cause: error });
  // A 404 from an auth route: the route is not there (e.g. a baseUrl ending in /v1), not the credentials. The
  // option to check is named only for a URL it made: api.video's routes (baseUrl) or the app's own endpoint (tokenUrl).
  if (status === 404) {
    const { url } = error as { url?: unknown };
    const at = typeof url === 'string' ? url : 'the auth URL';
    const option = at === scope.tokenUrl ? 'tokenUrl' : at === scope.authUrl('login') || at === scope.authUrl('refresh') ? 'baseUrl' : null;
    const fix = DEV && option === 'baseUrl' ? 'baseUrl, the root of the API (e.g. https://ws.api.video)' : option;
    return new AuthError('unavailable', `No auth route at ${at} (HTTP 404)${fix ? `: check ${fix}` : ''}`, { status, cause: error });
  }
  const reason = status === 429 ? 'rate-limited' : 'unavailable';
  const code = systemCode(error);
  const detail = `${error instanceof Error ? error.message : 'unknown error'}${code ? ` (${code})` : ''}`;
  const retryAfter = retryAfterMs(error, now);
  return new AuthError(reason, `Authentication failed${attempts > 1 ? ` after ${attempts} attempts` : ''}: ${detail}`, { status, cause: error, ...(retryAfter ? { retryAfter } : {}) });
}

/**
 * One auth call, retried: the expiry clock starts when the call is sent, the
 * answer is validated, and a call without an answer within requestTimeout
 * is cancelled (which aborts the HTTP request) and retried.
 */
function call(options: ResolvedOptions, what: string, send: () => Observable<TokenResponse>, wanted: () => boolean, tries: { n: number }): Observable<Session> {
  const { scheduler, requestTimeout } = options;
  const attempt = defer(() => {
    tries.n++;
    const sentAt = scheduler.now();
    return send().pipe(
      timeout({ first: requestTimeout, scheduler, with: () => throwError(() => new AuthTimeoutError(what, requestTimeout)) }),
      take(1),
      throwIfEmpty(() => new InvalidTokenResponseError(DEV ? `the ${what} call completed without a response` : 'no response')),
      map((body) => toSession(body, sentAt)),
    );
  });
  return attempt.pipe(retryTransient(options.retry, scheduler, wanted));
}

/**
 * Obtains a new session: refresh when there is a refresh token, falling back
 * to one login with the API key when the refresh token is rejected (then
 * `onRefreshRejected` is told, so it is never sent again); login otherwise.
 * While nobody is `wanted`, no further attempt is made.
 * Fails with an AuthError only.
 */
export function authenticate(
  options: ResolvedOptions,
  previous: Session | null,
  onRefreshRejected: () => void = () => {},
  wanted: () => boolean = () => true,
): Observable<Session> {
  const { transport, apiKey, scheduler } = options;
  return defer(() => {
    // Calls made by the step that failed last (a refresh, or the login after a rejected refresh).
    const tries = { n: 0 };
    const login = defer(() => {
      tries.n = 0;
      return call(options, 'login', () => transport.login(apiKey.reveal()), wanted, tries);
    });
    const refreshToken = previous?.refreshToken?.reveal();
    const session = refreshToken
      ? call(options, 'refresh', () => transport.refresh(refreshToken), wanted, tries).pipe(
          catchError((error: unknown) => {
            if (!isRejection(error)) return throwError(() => error);
            onRefreshRejected();
            return wanted() ? login : throwError(() => error);
          }),
        )
      : login;
    return session.pipe(catchError((error: unknown) => throwError(() => toAuthError(error, scheduler.now(), tries.n, options.scope))));
  });
}
