import { randomBytes, randomUUID } from 'node:crypto';
import { signHs256, verifyHs256 } from './hs256.js';

/** api.video's token response, as the test server sends it. */
export interface IssuedTokens {
  token_type: 'Bearer';
  expires_in: number;
  access_token: string;
  refresh_token: string;
}

/**
 * The test server's token bookkeeping: real HS256 access tokens with a
 * lifetime in (fractional) seconds, single-use refresh tokens, revocation.
 * `clockSkew` shifts the server's `iat`/`exp` claims (not validity), to test
 * clients whose clock disagrees with the server's.
 */
export function createTokenIssuer(settings: { ttl: number; clockSkew: number }) {
  const key = randomBytes(32);
  const accessTokens = new Map<string, number>(); // jti -> expiry, ms on this machine's clock
  const refreshTokens = new Set<string>();
  const issued = new Set<string>();
  const issuedRefreshTokens = new Set<string>();

  return {
    issued: issued as ReadonlySet<string>,
    issuedRefreshTokens: issuedRefreshTokens as ReadonlySet<string>,
    issue(): IssuedTokens {
      const now = Date.now();
      const jti = randomUUID();
      accessTokens.set(jti, now + settings.ttl * 1000);
      const claimedNow = (now + settings.clockSkew) / 1000;
      const accessToken = signHs256({ iat: claimedNow, exp: claimedNow + settings.ttl, jti, sub: 'rx-bearer-test' }, key);
      const refreshToken = randomBytes(24).toString('base64url');
      refreshTokens.add(refreshToken);
      issuedRefreshTokens.add(refreshToken);
      issued.add(accessToken);
      return { token_type: 'Bearer', expires_in: settings.ttl, access_token: accessToken, refresh_token: refreshToken };
    },
    /** Spends a refresh token: true once per token issued and not revoked. */
    redeem: (refreshToken: unknown): boolean => typeof refreshToken === 'string' && refreshTokens.delete(refreshToken),
    isValid(accessToken: string | undefined): boolean {
      const jti = accessToken === undefined ? undefined : verifyHs256(accessToken, key)?.['jti'];
      const expiresAt = typeof jti === 'string' ? accessTokens.get(jti) : undefined;
      return expiresAt !== undefined && Date.now() < expiresAt;
    },
    revokeAll(alsoRefreshTokens: boolean): void {
      accessTokens.clear();
      if (alsoRefreshTokens) refreshTokens.clear();
    },
  };
}
