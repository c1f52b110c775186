import { InvalidTokenResponseError } from '../src/index.js';
import { toSession } from '../src/token-response.js';

const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
const valid = { token_type: 'Bearer', expires_in: 3600, access_token: 'abc', refresh_token: 'def' };

describe('toSession (token response validation)', () => {
  it('measures expiry from when the call was sent, on the client clock', () => {
    const session = toSession(valid, 1_000);
    expect(session.accessToken).toBe('abc');
    expect(session.refreshToken!.reveal()).toBe('def');
    expect(session.issuedAt).toBe(1_000);
    expect(session.expiresAt).toBe(3_601_000);
  });

  it('clamps an expiry beyond what a Date holds, so anything printing it can', () => {
    const session = toSession({ token_type: 'Bearer', expires_in: 1e13, access_token: 'a', refresh_token: 'r' }, Date.now());
    expect(new Date(session.expiresAt).toISOString()).toBe('+275760-09-13T00:00:00.000Z');
  });

  it('accepts token_type in any case', () => {
    expect(toSession({ ...valid, token_type: 'bearer' }, 0).expiresAt).toBe(3_600_000);
  });

  it("uses the JWT's exp - iat when expires_in is missing, whatever the server's clock says", () => {
    const hoursAhead = jwt({ iat: 2_000_000_000, exp: 2_000_000_600 });
    expect(toSession({ ...valid, expires_in: undefined, access_token: hoursAhead }, 50).expiresAt).toBe(600_050);
  });

  const bad: Array<[string, unknown]> = [
    ['a JSON array', [valid]],
    ['a string', 'token'],
    ['null', null],
    ['token_type Basic', { ...valid, token_type: 'Basic' }],
    ['no token_type', { ...valid, token_type: undefined }],
    ['an empty access_token', { ...valid, access_token: '' }],
    ['a numeric access_token', { ...valid, access_token: 42 }],
    ['no refresh_token', { ...valid, refresh_token: undefined }],
    ['expires_in 0', { ...valid, expires_in: 0 }],
    ['expires_in negative', { ...valid, expires_in: -5 }],
    ['expires_in NaN', { ...valid, expires_in: NaN }],
    ['expires_in Infinity', { ...valid, expires_in: Infinity }],
    ['expires_in as a string', { ...valid, expires_in: '3600' }],
    ['no expires_in and a token that is not a JWT', { ...valid, expires_in: undefined }],
    ['no expires_in and a JWT without exp', { ...valid, expires_in: undefined, access_token: jwt({ iat: 1 }) }],
  ];
  for (const [label, body] of bad) {
    it(`rejects ${label} with an InvalidTokenResponseError that shows no token`, () => {
      let error: unknown;
      try {
        toSession(body, 0);
      } catch (caught) {
        error = caught;
      }
      expect(error).toEqual(jasmine.any(InvalidTokenResponseError));
      expect((error as Error).message).not.toMatch(/abc|def/);
    });
  }
});
