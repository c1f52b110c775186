import { catchError, map, type Observable } from 'rxjs';
import { isRejection } from './auth-cycle.js';
import { AuthError, statusOf } from './errors.js';
import { postForToken } from './http-transport.js';
import type { AuthTransport, TokenResponse } from './transport.js';

/**
 * The browser half of `tokenUrl`: every login and every refresh is a POST to
 * the app's own token endpoint (rx-bearer/server's createTokenHandler, or
 * any endpoint answering `{ token_type, access_token, expires_in }`), with
 * the page's cookies as the credential scope says (`credentials`:
 * 'same-origin', or 'include' for a tokenUrl on another origin when asked)
 * and JSON, which a cross-site form cannot send. Redirects are never
 * followed: the cookies go to tokenUrl and nowhere else.
 *
 * No refresh token is ever kept: one the endpoint sent by mistake is
 * dropped, so each refresh asks tokenUrl again. When the engine has no valid
 * token any more although this transport gave it one (a 401 made it drop
 * that token, or it expired), the body names it, `{ "refused": token }`: the
 * endpoint refreshes only if that is still its current token.
 * A 400/401/403 from the endpoint is its refusal (your authorize(), not the
 * API key): the AuthError says so.
 */
export function tokenUrlTransport(tokenUrl: string, fetchImpl: typeof globalThis.fetch, currentToken: () => string | null, credentials: RequestCredentials = 'same-origin'): AuthTransport {
  let last: string | null = null;
  const ask = (): Observable<TokenResponse> => {
    const refused = last !== null && currentToken() === null ? last : null;
    return postForToken(tokenUrl, refused === null ? {} : { refused }, fetchImpl, { credentials }).pipe(
      map((body) => {
        if (typeof body.access_token === 'string') last = body.access_token;
        // An empty refresh token means "none": the next cycle logs in, which here means asking tokenUrl again.
        return { ...body, refresh_token: '' };
      }),
      catchError((error: unknown) => {
        const status = statusOf(error);
        throw isRejection(error) ? new AuthError('rejected', `The token endpoint ${tokenUrl} refused (HTTP ${status})`, { status, cause: error }) : error;
      }),
    );
  };
  return { login: ask, refresh: ask };
}
