import { firstValueFrom } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth } from '../../src/index.js';
import { TOKEN_PATH, useTokenEndpoint } from './token-handler.helpers.js';

describe('createBearerAuth({ tokenUrl }) against createTokenHandler (over HTTP)', () => {
  const { env, everything } = useTokenEndpoint();
  let auth: BearerAuth | undefined;
  const start = () => (auth = createBearerAuth({ tokenUrl: env.url, baseUrl: env.api.url, retry: { maxAttempts: 1 } }));
  afterEach(() => auth?.dispose());

  it('gets its token from tokenUrl, calls the API with it, and never sends the bearer to tokenUrl', async () => {
    const page = await firstValueFrom(start().json<{ data: unknown[] }>('/videos'));
    expect(page.data).toEqual([]);
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    expect(env.api.counts['POST /auth/api-key']).toBe(1);
    expect(env.api.log.find((entry) => entry.path === '/videos')?.hadAuthorization).toBeTrue();
    expect(env.authorizationHeaders).toEqual([]);
    expect(auth!.scope.allowsToken(env.url)).toBeFalse();
  });

  it('after the API revokes every token, 20 concurrent requests ask tokenUrl again and cost the server exactly one refresh', async () => {
    const client = start();
    await firstValueFrom(client.json('/videos'));
    env.api.revokeAll();
    const results = await Promise.all(Array.from({ length: 20 }, () => firstValueFrom(client.fetch('/videos'))));
    expect(results.map((response) => response.status)).toEqual(Array.from({ length: 20 }, () => 200));
    expect(env.api.counts['POST /auth/refresh']).toBe(1);
    expect(env.api.counts['POST /auth/api-key']).toBe(1);
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(2);
  });

  it('refresh() asks tokenUrl again (there is no refresh token on this side)', async () => {
    const client = start();
    await firstValueFrom(client.json('/videos'));
    expect(await firstValueFrom(client.refresh())).toEqual(jasmine.any(String));
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(2);
  });

  it('fails with AuthError rejected when authorize() refuses the session, and does not loop', async () => {
    env.allow = false;
    const error = await firstValueFrom(start().json('/videos')).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.any(AuthError));
    expect((error as AuthError).reason).toBe('rejected');
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    expect(everything()).not.toContain('test-api-key');
  });
});

describe('tokenUrl and apiKey options', () => {
  const withGlobal = (name: 'window' | 'document', run: () => void) => {
    (globalThis as Record<string, unknown>)[name] = {};
    try {
      run();
    } finally {
      delete (globalThis as Record<string, unknown>)[name];
    }
  };

  it('takes exactly one of apiKey and tokenUrl, and no transport with tokenUrl', () => {
    const transport = { login: () => null, refresh: () => null } as never;
    expect(() => createBearerAuth({} as never)).toThrowError(TypeError, /"apiKey" option must be a non-empty string \(or pass tokenUrl instead\)/);
    expect(() => createBearerAuth({ apiKey: 'k', tokenUrl: 'https://app.example/token' })).toThrowError(TypeError, /"tokenUrl"/);
    expect(() => createBearerAuth({ tokenUrl: 'https://app.example/token', transport })).toThrowError(TypeError, /"tokenUrl"/);
  });

  it('checks tokenUrl as it checks baseUrl: http(s), https unless loopback, no credentials, no query; relative only in a page', () => {
    for (const tokenUrl of ['/api/video-token', 'ftp://app.example/t', 'http://app.example/t', 'https://u:p@app.example/t', 'https://app.example/t?x=1']) {
      expect(() => createBearerAuth({ tokenUrl })).withContext(tokenUrl).toThrowError(TypeError, /"tokenUrl"/);
    }
    const auth = createBearerAuth({ tokenUrl: 'https://app.example/api/video-token', allowedOrigins: ['https://app.example'] });
    expect(auth.scope.tokenUrl).toBe('https://app.example/api/video-token');
    // Even on an origin that gets the bearer, the token endpoint never does.
    expect(auth.scope.allowsToken('https://app.example/api/video-token/')).toBeFalse();
    expect(auth.scope.allowsToken('https://app.example/api/videos')).toBeTrue();
    auth.dispose();
  });

  for (const name of ['window', 'document'] as const) {
    it(`refuses apiKey where a ${name} exists, pointing to tokenUrl, unless dangerouslyAllowBrowser or a custom transport`, () => {
      withGlobal(name, () => {
        expect(() => createBearerAuth({ apiKey: 'k-secret-value' })).toThrowMatching(
          (error) => error instanceof TypeError && /tokenUrl/.test(error.message) && /dangerouslyAllowBrowser/.test(error.message) && !error.message.includes('k-secret-value'),
        );
        createBearerAuth({ apiKey: 'k-secret-value', dangerouslyAllowBrowser: true }).dispose();
        createBearerAuth({ apiKey: 'k', transport: { login: () => null, refresh: () => null } as never }).dispose();
      });
    });
  }
});
