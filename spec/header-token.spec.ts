import { inspect } from 'node:util';
import { firstValueFrom, of } from 'rxjs';
import { AuthError, InvalidTokenResponseError, createBearerAuth, type BearerAuth } from '../src/index.js';
import { MAX_TOKEN_LENGTH, isSendableToken } from '../src/header-token.js';
import { sessionCodec } from '../src/redis/session-codec.js';
import { toSession } from '../src/token-response.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';

/**
 * An access token goes in `Authorization: Bearer <token>`: one that cannot
 * (CR/LF, non-Latin-1, controls, a space, longer than MAX_TOKEN_LENGTH) is
 * an unusable token response, refused like any other (InvalidTokenResponseError,
 * retried within retry.maxAttempts, then AuthError 'invalid-response'), and
 * never reaches a header, a message or state$. Before: it was kept, and every
 * request failed with a NetworkError whose cause message held the token
 * (`Headers.append: "Bearer abc\r\n…" is an invalid header value`), or got 431.
 */
const MARK = 'tok-secret-3f9a';
const unsendable: Array<[token: string, why: string]> = [
  [`${MARK}\r\nX-Injected: yes`, 'CR LF: a second header line'],
  [`${MARK}\nX-Injected: yes`, 'a bare LF'],
  [`${MARK}\r`, 'a bare CR'],
  [`${MARK}\u0000`, 'a NUL'],
  [`${MARK}\u001b[2J`, 'an escape sequence'],
  [`${MARK}\u20ac`, 'non-Latin-1 (the euro sign): Headers refuses it'],
  [`${MARK}\u00fc`, 'Latin-1 but not ASCII: servers decode it differently'],
  [`${MARK} more`, 'a space: the header would carry two words'],
  [`${MARK}\t`, 'a tab'],
  [`${MARK}\u007f`, 'DEL'],
  [MARK + 'a'.repeat(MAX_TOKEN_LENGTH), `over ${MAX_TOKEN_LENGTH} characters (a 64 KB token got 431 on every request)`],
];

/** Every text an error or a value could show a user or a log: messages and stacks down the cause chain, and util.inspect of it all. */
function textsOf(value: unknown): string {
  const parts: string[] = [inspect(value, { depth: 20, showHidden: true })];
  const seen = new Set<unknown>();
  for (let current = value; current instanceof Error && !seen.has(current); current = current.cause) {
    seen.add(current);
    parts.push(current.message, current.stack ?? '', String(current));
  }
  return parts.join('\n');
}

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('access tokens that cannot go in a header', () => {
  describe('the rule', () => {
    it(`keeps visible ASCII up to ${MAX_TOKEN_LENGTH} characters: a JWT, base64url, and the boundary`, () => {
      for (const token of ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl', 'abc+/=', '~._-', 'a'.repeat(MAX_TOKEN_LENGTH)]) {
        expect(isSendableToken(token)).withContext(token.slice(0, 20)).toBeTrue();
      }
    });
    for (const [token, why] of unsendable) {
      it(`refuses ${why}, naming the field and never the value`, () => {
        expect(isSendableToken(token)).toBeFalse();
        let error: unknown;
        try {
          toSession({ token_type: 'Bearer', expires_in: 60, access_token: token, refresh_token: 'r' }, 0);
        } catch (caught) {
          error = caught;
        }
        expect(error).toEqual(jasmine.any(InvalidTokenResponseError));
        expect((error as Error).message).toContain('access_token');
        expect(textsOf(error)).not.toContain(MARK);
      });
    }
  });

  describe('over HTTP', () => {
    let server: ApiVideoTestServer;
    let auth: BearerAuth | undefined;
    beforeEach(async () => {
      server = await createApiVideoTestServer();
    });
    afterEach(async () => {
      auth?.dispose();
      auth = undefined;
      await server.close();
    });

    for (const [token, why] of unsendable) {
      it(`a login answering ${why} is refused within retry.maxAttempts; no request carries it, no error, state or stored value shows it`, async () => {
        const body = JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: token, refresh_token: `${MARK}-refresh\r\n` });
        server.fail('POST /auth/api-key', { status: 200, body, count: 10 });
        auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 3, initialDelay: 1, maxDelay: 1 } });
        const states: unknown[] = [];
        auth.state$.subscribe((state) => states.push(state));
        const error = await failureOf(firstValueFrom(auth.fetch('/videos')));
        expect(error).toEqual(jasmine.any(AuthError));
        expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
        expect(server.counts['POST /auth/api-key']).toBe(3);
        expect(server.counts['GET /videos']).toBeUndefined(); // no request went out with it
        expect(auth.token).toBeNull();
        expect(textsOf(error)).not.toContain(MARK);
        expect(textsOf(states)).not.toContain(MARK);
      });
    }

    it(`a ${MAX_TOKEN_LENGTH}-character token is kept, sent whole, and accepted by the server's header limits`, async () => {
      const token = 'a'.repeat(MAX_TOKEN_LENGTH);
      server.fail('POST /auth/api-key', { status: 200, body: JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: token, refresh_token: 'r' }) });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
      // The test server does not know this token: 401, then a refresh ('r' is unknown: 400), then a login with a real token.
      const response = await firstValueFrom(auth.fetch('/videos'));
      expect(response.status).toBe(200);
      expect(server.log.filter((entry) => entry.path === '/videos').map((entry) => entry.token?.length)).toEqual([MAX_TOKEN_LENGTH, jasmine.any(Number)]);
    });

    it('a refresh answering an unusable token falls back to nothing worse: AuthError, and the old refresh token never shows', async () => {
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 2, initialDelay: 1, maxDelay: 1 } });
      await firstValueFrom(auth.refresh());
      const body = JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: `${MARK}\r\nX: y`, refresh_token: 'r' });
      server.fail('POST /auth/refresh', { status: 200, body, count: 2 });
      const error = await failureOf(firstValueFrom(auth.refresh()));
      expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
      expect(server.counts['POST /auth/refresh']).toBe(2);
      const texts = textsOf(error);
      expect(texts).not.toContain(MARK);
      for (const refreshToken of server.issuedRefreshTokens) expect(texts).not.toContain(refreshToken);
    });
  });

  it("a custom transport's unusable token is refused the same way (one rule for every transport)", async () => {
    const bad = { token_type: 'Bearer', expires_in: 60, access_token: `${MARK}\r\n`, refresh_token: '' };
    const auth = createBearerAuth({ apiKey: 'k', transport: { login: () => of(bad), refresh: () => of(bad) }, retry: { maxAttempts: 1 } });
    try {
      const error = await failureOf(firstValueFrom(auth.refresh()));
      expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    } finally {
      auth.dispose();
    }
  });

  it("a fleet's stored session with an unusable token reads as no session (rx-bearer/redis)", () => {
    const codec = sessionCodec(undefined, 'rx-bearer:test');
    const stored = (accessToken: string) => JSON.stringify({ accessToken, refreshToken: null, issuedAt: 0, expiresAt: 1 });
    expect(codec.decode(stored('eyJ.good.token'))).not.toBeNull();
    for (const [token] of unsendable) expect(codec.decode(stored(token))).toBeNull();
  });
});
