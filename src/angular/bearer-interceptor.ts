import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { BEARER_AUTH, BEARER_AUTH_SCOPE, type BearerAuthScope } from './bearer-auth-provider.js';

const isAbsolute = (url: string) => /^[a-z][a-z\d+.-]*:\/\//i.test(url) || url.startsWith('//');

/** Relative URLs (the app's own origin) and the scope's origins get the token; the auth routes never do. */
function wantsToken(url: string, scope: BearerAuthScope): boolean {
  if (!isAbsolute(url)) return true;
  const target = new URL(url.startsWith('//') ? `https:${url}` : url);
  if (!scope.origins.has(target.origin)) return false;
  const path = target.href.slice(scope.baseUrl.length);
  return !(target.href.startsWith(scope.baseUrl) && /^\/auth\/(api-key|refresh)\/?([?#]|$)/.test(path));
}

/**
 * Adds `Authorization: Bearer <token>` to requests for baseUrl's origin,
 * allowedOrigins and relative URLs, leaving every other request untouched.
 * A 401 joins the shared refresh and the request is sent once more with the
 * new token; a second 401 reaches the caller.
 *
 * @example provideHttpClient(withInterceptors([bearerInterceptor]))
 */
export const bearerInterceptor: HttpInterceptorFn = (request, next) => {
  // inject() only works here, synchronously, not inside operators.
  const scope = inject(BEARER_AUTH_SCOPE);
  const auth = inject(BEARER_AUTH);
  if (!scope.active || !wantsToken(request.url, scope)) return next(request);
  return auth.authorize((token) => next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })), {
    isUnauthorized: (error) => error instanceof HttpErrorResponse && error.status === 401,
  });
};
