import { inspect } from 'node:util';
import { firstValueFrom } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth } from '../../src/index.js';
import { OAuthError, refreshTokenGrant } from '../../src/oauth2/index.js';
import { redisTokenStore } from '../../src/redis/index.js';
import { settleAll } from '../helpers/http.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';

describe('refreshTokenGrant against oidc-provider (rotating refresh tokens) over real HTTP', () => {
  let server: OidcServer;
  let auth: BearerAuth | undefined;
  beforeEach(async () => {
    server = await startOidcServer();
  });
  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await server.close();
  });

  it('rotates: onRotate is awaited with each new refresh token before the access token is used, and the old one is never sent again', async () => {
    const first = await server.refreshTokenFor();
    const rotated: string[] = [];
    let saving = false;
    auth = createBearerAuth({
      source: refreshTokenGrant({
        issuer: server.issuer,
        clientId: 'svc',
        clientSecret: SECRET,
        refreshToken: first,
        onRotate: async (next) => {
          saving = true;
          await new Promise((resolve) => setTimeout(resolve, 20));
          rotated.push(next);
          saving = false;
        },
      }),
      baseUrl: server.api.url,
    });
    const result = await settleAll(Array.from({ length: 10 }, () => auth!.json('/videos')));
    expect(result.ok).toBe(10);
    expect(saving).toBeFalse();
    await firstValueFrom(auth.refresh());
    await firstValueFrom(auth.refresh());
    expect(server.tokenRequests).toBe(3);
    expect(rotated.length).toBe(3);
    expect(new Set([first, ...rotated]).size).toBe(4); // oidc-provider rotated every time
    // oidc-provider revokes the whole grant when a consumed refresh token comes back: every exchange succeeded, so none did.
    expect(server.grants.map((grant) => grant.grantType)).toEqual(['refresh_token', 'refresh_token', 'refresh_token']);
    for (const text of [JSON.stringify(auth), inspect(auth, { depth: 5 }), String(auth)]) {
      for (const token of [first, ...rotated, SECRET]) expect(text).not.toContain(token);
    }
  });

  it('a refresh token the server does not know is invalid_grant: AuthError rejected, no fallback, no retry', async () => {
    auth = createBearerAuth({ source: refreshTokenGrant({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, refreshToken: 'not-a-token' }), baseUrl: server.api.url });
    const error = (await firstValueFrom(auth.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error).toEqual(jasmine.any(OAuthError));
    expect((error as OAuthError).error).toBe('invalid_grant');
    expect(error.reason).toBe('rejected');
    expect(error.message).not.toContain('not-a-token');
    expect(server.tokenRequests).toBe(1);
  });

  it('a failing onRotate fails that cycle; the rotated token is kept and used at the next one', async () => {
    const first = await server.refreshTokenFor();
    let fail = true;
    const saved: string[] = [];
    auth = createBearerAuth({
      source: refreshTokenGrant({
        issuer: server.issuer,
        clientId: 'svc',
        clientSecret: SECRET,
        refreshToken: first,
        onRotate: (next) => {
          saved.push(next);
          if (fail) throw new Error(`disk full ${next}`);
        },
      }),
      baseUrl: server.api.url,
    });
    const error = (await firstValueFrom(auth.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error).toEqual(jasmine.any(AuthError));
    expect(inspect(error, { depth: 5 })).not.toContain(saved[0]!);
    fail = false;
    await firstValueFrom(auth.refresh());
    expect(saved.length).toBe(2);
    expect(server.tokenRequests).toBe(2);
    expect(server.grants.every((grant) => grant.clientId === 'svc')).toBeTrue(); // the second exchange used the rotated token (a reuse revokes the grant)
  });

  it('an exchange cut after it was sent is not resent with the same refresh token', async () => {
    const first = await server.refreshTokenFor();
    server.api.fail('POST /oidc/token', { status: 200, reset: true });
    auth = createBearerAuth({ source: refreshTokenGrant({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, refreshToken: first }), baseUrl: server.api.url, retry: { initialDelay: 5 } });
    const error = (await firstValueFrom(auth.json('/videos')).catch((e: unknown) => e)) as AuthError;
    expect(error.reason).toBe('rejected');
    expect((error as unknown as { error: string }).error).toBe('refresh_token_state_unknown');
    expect(server.api.counts['POST /oidc/token']).toBe(1);
  });

  it('an answer slower than requestTimeout is not abandoned: the retry joins the same exchange and keeps its rotated token', async () => {
    const first = await server.refreshTokenFor();
    server.api.fail('POST /oidc/token', { delay: 400 });
    const rotated: string[] = [];
    auth = createBearerAuth({
      source: refreshTokenGrant({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, refreshToken: first, onRotate: (next) => void rotated.push(next) }),
      baseUrl: server.api.url,
      requestTimeout: 100,
      retry: { initialDelay: 5, maxDelay: 10 },
    });
    await firstValueFrom(auth.json('/videos'));
    expect(server.api.counts['POST /oidc/token']).toBe(1);
    expect(rotated.length).toBe(1);
    await firstValueFrom(auth.refresh());
    expect(server.tokenRequests).toBe(2); // the second exchange sent the rotated token: oidc-provider accepted it
    expect(rotated.length).toBe(2);
  });

  it('an answer that arrives between two attempts (none waiting) is handed to the next attempt, not thrown away for a new exchange', async () => {
    const first = await server.refreshTokenFor();
    server.api.fail('POST /oidc/token', { delay: 100 });
    const rotated: string[] = [];
    const source = refreshTokenGrant({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, refreshToken: first, onRotate: (next) => void rotated.push(next) });
    // An attempt that stops waiting (the engine's requestTimeout) before the answer comes.
    source.token().subscribe().unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(rotated.length).withContext('the exchange went on').toBe(1);
    const response = await firstValueFrom(source.token());
    expect(response.access_token).toMatch(/\S/);
    expect(response.expires_in!).toBeLessThanOrEqual(60);
    expect(server.api.counts['POST /oidc/token']).toBe(1);
    // Handed out once: the attempt after it sends the rotated token.
    await firstValueFrom(source.token());
    expect(server.api.counts['POST /oidc/token']).toBe(2);
    expect(rotated.length).toBe(2);
  });

  it('a Redis store with a refresh-token source is refused with a TypeError that says why', () => {
    const source = refreshTokenGrant({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET, refreshToken: 'rt' });
    const store = redisTokenStore({ client: { sendCommand: () => Promise.resolve(null) } as never });
    expect(() => createBearerAuth({ source, baseUrl: server.api.url, store })).toThrowError(TypeError, /refresh-token source/);
  });
});
