/**
 * getRequestHeaders(url) for @grpc/grpc-js and other callers of google-auth-library's contract.
 *
 * @module rx-bearer/grpc
 */
import { firstValueFrom, of } from 'rxjs';
import type { BearerAuth } from 'rx-bearer';
import { bearer } from '../bearer.js';

/** What google-auth-library's clients expose and @grpc/grpc-js's `credentials.createFromGoogleCredential` calls. */
export interface RequestHeadersClient {
  /**
   * The headers for a call to `url`: `{ authorization: 'Bearer <token>' }`
   * where the credential scope allows the token, `{}` anywhere else (and
   * without a URL). A plain object, because grpc-js 1.14 reads it with
   * `Object.keys`. Waits for a token when there is none (the login); fails
   * with the login's error (an AuthError) or DisposedError, never hangs.
   */
  getRequestHeaders(url?: string): Promise<Record<string, string>>;
}

/**
 * `auth` as a google-auth-library style client, for
 * `credentials.createFromGoogleCredential(bearerCredential(auth))` and any other
 * caller of `getRequestHeaders(url)`. grpc-js's service URL is
 * `https://<host>/<service>`, without the port (1.14): list `https://<host>`
 * in `allowedOrigins`, and the token goes to every port of that host.
 * gRPC has no 401 for rx-bearer to see: wrap a call in `auth.authorize(...,
 * { isUnauthorized: isUnauthenticated })` for the one shared refresh and one
 * resend after a revocation.
 *
 * @example const creds = credentials.combineChannelCredentials(credentials.createSsl(ca), credentials.createFromGoogleCredential(bearerCredential(auth)));
 */
export function bearerCredential(auth: BearerAuth): RequestHeadersClient {
  return {
    async getRequestHeaders(url?: string): Promise<Record<string, string>> {
      const target = typeof url === 'string' ? auth.scope.resolve(url) : null;
      if (target === null || !auth.scope.allowsToken(target)) return {};
      // The request pipeline's token: the one at hand, or the next one (errors and dispose() end the wait).
      const token = await firstValueFrom(auth.authorize((fresh) => of(fresh)));
      return { authorization: bearer(token) };
    },
  };
}

/** gRPC's UNAUTHENTICATED (status 16): the refusal of a token, as a 401 is over HTTP. */
export const isUnauthenticated = (error: unknown): boolean => (error as { code?: unknown } | null)?.code === 16;
