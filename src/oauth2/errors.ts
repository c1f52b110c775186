import { AuthError, RxBearerError } from '../core.js';

/** The OAuth 2.0 error answer of a token endpoint (RFC 6749 §5.2), as the server sent it, minus any secret it echoed. */
export interface OAuthErrorFields {
  /** The server's `error` code: 'invalid_client', 'invalid_grant', 'invalid_scope', 'unauthorized_client'…; undefined for a refusal without one. */
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;
}

/**
 * The authorization server refused the token request (a 4xx, usually with an
 * OAuth `error`): an {@link AuthError} `rejected` that no retry can change.
 * Its message names the OAuth error, never a secret.
 */
export class OAuthError extends AuthError implements OAuthErrorFields {
  override name = 'OAuthError';
  readonly error: string | undefined;
  readonly errorDescription: string | undefined;
  readonly errorUri: string | undefined;

  constructor(status: number, fields: OAuthErrorFields, options: { cause?: unknown } = {}) {
    const named = fields.error ? ` ${fields.error}${fields.errorDescription ? `: ${fields.errorDescription}` : ''}` : '';
    super('rejected', `The authorization server refused the token request (HTTP ${status}${named})`, { status, ...options });
    this.error = fields.error;
    this.errorDescription = fields.errorDescription;
    this.errorUri = fields.errorUri;
  }
}

/** Why discovery failed: no metadata at either well-known URL, metadata that does not match the issuer, or an endpoint that is not https. */
export type DiscoveryFailure = 'failed' | 'insecure';

/**
 * The issuer's metadata could not be used (RFC 8414 and OpenID discovery
 * both failed, or named a token endpoint over plain http that is not
 * loopback). Kept as the cycle's cause: `AuthError.cause` is one of these.
 */
export class OAuthDiscoveryError extends RxBearerError {
  static readonly code = 'ERR_OAUTH_DISCOVERY';
  override name = 'OAuthDiscoveryError';
  readonly reason: DiscoveryFailure;
  readonly issuer: string;

  constructor(reason: DiscoveryFailure, issuer: string, message: string, options: { cause?: unknown } = {}) {
    super(OAuthDiscoveryError.code, `Discovery of ${issuer} failed: ${message}`, options);
    this.reason = reason;
    this.issuer = issuer;
  }
}
