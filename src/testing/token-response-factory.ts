import type { TokenResponse } from '../transport.js';

export interface TokenResponseInit {
  /** Lifetime in seconds, also encoded as the JWT's exp - iat. @default 3600 */
  expiresIn?: number;
  /** The JWT's `iat`, in seconds. @default 0 (virtual time starts at 0) */
  issuedAt?: number;
  /** Replaces the generated JWT. */
  accessToken?: string;
  /** @default a unique 'refresh-N' */
  refreshToken?: string;
  /** @default 'Bearer' */
  tokenType?: string;
}

let counter = 0;

// btoa exists in browsers and Node 16+; this entry must not import node modules.
const base64url = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/**
 * A realistic api.video token response: the access token is a JWT (not
 * signed with a real key: clients only decode it) with a unique `jti`.
 */
export function tokenResponse(init: TokenResponseInit = {}): TokenResponse {
  const n = ++counter;
  const { expiresIn = 3600, issuedAt = 0, tokenType = 'Bearer', refreshToken = `refresh-${n}` } = init;
  const claims = { iat: issuedAt, exp: issuedAt + expiresIn, jti: `token-${n}`, sub: 'rx-bearer-test' };
  const jwt = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}.${base64url(`test-signature-${n}`)}`;
  return { token_type: tokenType, expires_in: expiresIn, access_token: init.accessToken ?? jwt, refresh_token: refreshToken };
}
