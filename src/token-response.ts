import { DEV } from './dev.js';
import { jwtDecode } from 'jwt-decode';
import { InvalidTokenResponseError } from './errors.js';
import { MAX_TOKEN_LENGTH, isSendableToken } from './header-token.js';
import { Secret } from './secret.js';

/** A validated token response, with expiry on the client's own clock. */
export interface Session {
  readonly accessToken: string;
  /** Null once the server rejected it: it is never sent again. */
  readonly refreshToken: Secret | null;
  /** When the auth call that produced it was sent (scheduler time, ms). */
  readonly issuedAt: number;
  /** issuedAt + the token's lifetime. */
  readonly expiresAt: number;
}

/** The largest time a Date holds (ms since the epoch). */
const MAX_DATE = 8.64e15;

const isPositiveFinite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

/**
 * The lifetime in ms: `expires_in` where present, else the JWT's `exp - iat`.
 * Only a lifetime is used, never the server's absolute times, so a client
 * clock that is hours off changes nothing. Without `iat`, `exp` is compared
 * with the client clock as a last resort.
 */
function lifetimeMs(body: Record<string, unknown>, accessToken: string, sentAt: number): number {
  const expiresIn = body['expires_in'];
  if (expiresIn !== undefined && expiresIn !== null) {
    if (!isPositiveFinite(expiresIn)) throw new InvalidTokenResponseError(DEV ? 'expires_in must be a positive number of seconds' : 'expires_in');
    if (!Number.isFinite(expiresIn * 1000)) throw new InvalidTokenResponseError(DEV ? 'expires_in is too large' : 'expires_in');
    return expiresIn * 1000;
  }
  let claims: { exp?: unknown; iat?: unknown };
  try {
    claims = jwtDecode(accessToken);
  } catch (cause) {
    throw new InvalidTokenResponseError(DEV ? 'expires_in is missing and the access token is not a JWT' : 'expires_in', { cause });
  }
  const { exp, iat } = claims;
  if (!isPositiveFinite(exp)) throw new InvalidTokenResponseError(DEV ? 'expires_in is missing and the access token has no exp claim' : 'expires_in');
  const lifetime = isPositiveFinite(iat) ? (exp - iat) * 1000 : exp * 1000 - sentAt;
  if (!isPositiveFinite(lifetime)) throw new InvalidTokenResponseError(DEV ? 'the access token has already expired' : 'expired');
  return lifetime;
}

/** Validates a token response; anything unusable is an InvalidTokenResponseError naming the field (never its value). */
export function toSession(body: unknown, sentAt: number): Session {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidTokenResponseError(DEV ? 'the body is not a JSON object' : 'body');
  }
  const record = body as Record<string, unknown>;
  const { token_type: tokenType, access_token: accessToken, refresh_token: refreshToken } = record;
  if (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer') {
    throw new InvalidTokenResponseError(DEV ? 'token_type must be "Bearer"' : 'token_type');
  }
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new InvalidTokenResponseError(DEV ? 'access_token must be a non-empty string' : 'access_token');
  }
  // Kept, it would fail every request (or make Headers echo it in an error): refused here, like any unusable answer.
  if (!isSendableToken(accessToken)) {
    throw new InvalidTokenResponseError(DEV ? `access_token must be at most ${MAX_TOKEN_LENGTH} visible ASCII characters (it is sent in a header)` : 'access_token');
  }
  if (typeof refreshToken !== 'string') throw new InvalidTokenResponseError(DEV ? 'refresh_token must be a string' : 'refresh_token');
  return {
    accessToken,
    refreshToken: new Secret(refreshToken),
    issuedAt: sentAt,
    // Clamped to what a Date can hold, so that anything printing the expiry can.
    expiresAt: Math.min(sentAt + lifetimeMs(record, accessToken, sentAt), MAX_DATE),
  };
}
