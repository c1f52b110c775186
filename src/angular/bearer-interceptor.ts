import { DOCUMENT } from '@angular/common';
import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { BEARER_AUTH } from './bearer-auth-provider.js';

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
  // inject() only works here, synchronously, not inside operators.
  const auth = inject(BEARER_AUTH);
  // No document, no base: relative URLs then get no token (default-deny).
  const base = inject(DOCUMENT, { optional: true })?.baseURI ?? null;
  const target = auth.scope.resolve(request.url, base);
  if (target === null || !auth.scope.allowsToken(target)) return next(request);
  return auth.authorize((token) => next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })), {
    isUnauthorized: (error) => error instanceof HttpErrorResponse && error.status === 401,
    route: `${request.method} ${target.origin}${target.pathname}`,
  });
};
