import { DOCUMENT } from '@angular/common';
import { HttpContextToken, HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { bearer, routeOf } from '../bearer.js';
import { BEARER_AUTH } from './bearer-auth-provider.js';

/**
 * Set on a request's HttpContext to keep it away from bearerInterceptor:
 * a custom transport's own HttpClient calls must carry it, or the login would
 * wait for the token it is fetching.
 *
 * @example http.post(url, body, { context: new HttpContext().set(WITHOUT_BEARER, true) })
 */
export const WITHOUT_BEARER = new HttpContextToken<boolean>(() => false);

/**
 * Adds `Authorization: Bearer <token>` to the requests the auth's credential
 * scope allows (baseUrl's origin and allowedOrigins, never the auth routes),
 * leaving every other request untouched. Relative URLs are resolved against
 * the document's base URI, as the browser will resolve them: an app that
 * calls the API through its own origin lists that origin in allowedOrigins.
 * A 401 joins the shared refresh and the request is sent once more with the
 * new token; a second 401 reaches the caller.
 *
 * @example provideHttpClient(withInterceptors([bearerInterceptor]))
 */
export const bearerInterceptor: HttpInterceptorFn = (request, next) => {
  if (request.context.get(WITHOUT_BEARER)) return next(request);
  // inject() only works here, synchronously, not inside operators.
  const auth = inject(BEARER_AUTH);
  // No document, no base: relative URLs then get no token (default-deny).
  const base = inject(DOCUMENT, { optional: true })?.baseURI ?? null;
  const target = auth.scope.resolve(request.url, base);
  if (target === null || !auth.scope.allowsToken(target)) return next(request);
  return auth.authorize((token) => next(request.clone({ setHeaders: { Authorization: bearer(token) } })), {
    isUnauthorized: (error) => error instanceof HttpErrorResponse && error.status === 401,
    route: routeOf(request.method, target),
  });
};
