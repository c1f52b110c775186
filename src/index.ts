/**
 * The core: `createBearerAuth`, its options, errors and types.
 *
 * @module rx-bearer
 */
export { createBearerAuth } from './create-bearer-auth.js';
export { createHttpTransport } from './http-transport.js';
export {
  AuthError,
  DisposedError,
  HttpError,
  InvalidTokenResponseError,
  NetworkError,
  ResponseParseError,
  RxBearerError,
  ServerRenderingError,
  AuthTimeoutError,
  ERROR_CODES,
  isRxBearerError,
} from './errors.js';
export { FetchUnavailableError } from './default-fetch-error.js';

export type { BearerAuth } from './create-bearer-auth.js';
export type { AuthorizeOptions } from './authorize.js';
export type { BearerAuthOptions, RefreshOn, RetryOptions } from './options.js';
export type { AuthTransport, SourceTokenResponse, TokenResponse, TokenSource } from './transport.js';
export type { BearerRequestInit } from './request-input.js';
export type { AuthState, AuthStatus } from './auth-state.js';
export type { Coordination, StoreClient, StoreCycle, TokenStore } from './token-store.js';
export type { Session } from './token-response.js';
export type { AuthRoute, CredentialScope, Target } from './credential-scope.js';
export type { AuthFailureReason, RxBearerErrorCode, RxBearerErrorOfCode } from './errors.js';
