import { filter, firstValueFrom } from 'rxjs';
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

  for (const refusal of [false, 403] as const) {
    it(`says that the token endpoint refused (not the API key) when authorize() answers ${refusal}`, async () => {
      env.allow = refusal;
      const error = (await firstValueFrom(start().json('/videos')).catch((caught: unknown) => caught)) as AuthError;
      const status = refusal === false ? 401 : 403;
      expect(error.message).toBe(`The token endpoint ${env.url} refused (HTTP ${status})`);
      expect(error.status).toBe(status);
      expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
    });
  }
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

describe('tokenUrlCredentials: whether the page cookies go to a tokenUrl on another origin', () => {
  /** Runs `run` as in a page at `pageUrl` (document.baseURI, which a <base href> may move, and location, as the scope reads them). */
  const inPage = (pageUrl: string, run: () => void, baseURI = pageUrl) => {
    const page = globalThis as Record<string, unknown>;
    page['document'] = { baseURI };
    page['location'] = { href: pageUrl, origin: new URL(pageUrl).origin };
    try {
      run();
    } finally {
      delete page['document'];
      delete page['location'];
    }
  };
  /** The credentials mode of the first call to tokenUrl, as handed to fetch. */
  const credentialsSent = async (options: Parameters<typeof createBearerAuth>[0]) => {
    let seen: RequestCredentials | undefined;
    const fetch: typeof globalThis.fetch = async (_url, init) => {
      seen = init?.credentials;
      return new Response(JSON.stringify({ token_type: 'Bearer', access_token: 'opaque-token', expires_in: 60 }), { headers: { 'content-type': 'application/json' } });
    };
    const auth = createBearerAuth({ ...options, fetch, retry: { maxAttempts: 1 } });
    try {
      await firstValueFrom(auth.token$.pipe(filter((token) => token !== null)));
    } finally {
      auth.dispose();
    }
    return seen;
  };

  it("sends the page's cookies only to its own origin by default ('same-origin'), relative or absolute tokenUrl", async () => {
    const scopes: Array<string | undefined> = [];
    inPage('https://app.example.com/videos/', () => {
      for (const tokenUrl of ['/api/video-token', 'https://app.example.com/api/video-token']) {
        const auth = createBearerAuth({ tokenUrl });
        scopes.push(auth.scope.tokenUrlCredentials);
        auth.dispose();
      }
    });
    expect(scopes).toEqual(['same-origin', 'same-origin']);
    // Outside a page (Node, a server render) there is no page origin to compare: the default, as before.
    expect(await credentialsSent({ tokenUrl: 'https://auth.example.com/token' })).toBe('same-origin');
  });

  it('refuses a tokenUrl on another origin than the page unless tokenUrlCredentials says which, naming the option and corsOrigins', () => {
    inPage('https://app.example.com/', () => {
      for (const tokenUrl of ['https://auth.example.com/token', 'https://app.example.com:8443/token', 'http://localhost:3000/token']) {
        expect(() => createBearerAuth({ tokenUrl })).withContext(tokenUrl).toThrowError(TypeError, /^"tokenUrlCredentials" option must be given for a tokenUrl on another origin .*'include'.*corsOrigins.*'same-origin'/);
      }
      const include = createBearerAuth({ tokenUrl: 'https://auth.example.com/token', tokenUrlCredentials: 'include' });
      const none = createBearerAuth({ tokenUrl: 'https://auth.example.com/token', tokenUrlCredentials: 'same-origin' });
      expect([include.scope.tokenUrlCredentials, none.scope.tokenUrlCredentials]).toEqual(['include', 'same-origin']);
      include.dispose();
      none.dispose();
    });
  });

  it('judges "another origin" by the page\'s location, not by a <base href> on another origin that moved a relative tokenUrl there', () => {
    inPage(
      'https://app.example.com/videos/',
      () => {
        expect(() => createBearerAuth({ tokenUrl: '/api/video-token' })).toThrowError(TypeError, /^"tokenUrlCredentials" option must be given for a tokenUrl on another origin/);
        const auth = createBearerAuth({ tokenUrl: '/api/video-token', tokenUrlCredentials: 'same-origin' });
        expect(auth.scope.tokenUrl).toBe('https://cdn.example.net/api/video-token');
        auth.dispose();
      },
      'https://cdn.example.net/',
    );
  });

  it('accepts only its two values, and only with tokenUrl', () => {
    for (const value of ['omit', 'INCLUDE', 'same-site', '', true, null]) {
      expect(() => createBearerAuth({ tokenUrl: 'https://auth.example.com/token', tokenUrlCredentials: value as never }))
        .withContext(String(value))
        .toThrowError(TypeError, /^"tokenUrlCredentials" option must be 'same-origin' or 'include'$/);
    }
    expect(() => createBearerAuth({ apiKey: 'k', tokenUrlCredentials: 'include' })).toThrowError(TypeError, /^"tokenUrlCredentials" option must be given with "tokenUrl" only$/);
  });

  it("hands fetch credentials: 'include' for every call to tokenUrl when asked, and never follows a redirect with them", async () => {
    expect(await credentialsSent({ tokenUrl: 'https://auth.example.com/token', tokenUrlCredentials: 'include' })).toBe('include');
    let init: RequestInit | undefined;
    const auth = createBearerAuth({
      tokenUrl: 'https://auth.example.com/token',
      tokenUrlCredentials: 'include',
      retry: { maxAttempts: 1 },
      fetch: async (_url, given) => ((init = given), new Response(null, { status: 302, headers: { location: 'https://elsewhere.example/' } })),
    });
    const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
    auth.dispose();
    expect(init?.redirect).toBe('manual');
    expect(error).toEqual(jasmine.objectContaining({ reason: 'redirected' }));
  });
});
