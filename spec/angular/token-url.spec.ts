import { HttpClient, HttpContext } from '@angular/common/http';
import { firstValueFrom, map } from 'rxjs';
import type { AuthTransport, TokenResponse } from 'rx-bearer';
import { WITHOUT_BEARER, injectBearerAuth, provideBearerAuth } from '../../src/angular/index.js';
import { TOKEN_PATH, useTokenEndpoint } from '../server/token-handler.helpers.js';
import { angularInjector } from './angular-injector.js';

describe('rx-bearer/angular with tokenUrl and the real HttpClient (over HTTP, createTokenHandler)', () => {
  const { env } = useTokenEndpoint();
  let setup: ReturnType<typeof angularInjector> | undefined;
  afterEach(() => setup?.injector.destroy());

  it('gets the token from tokenUrl without the interceptor, and a 401 on an API call refreshes through tokenUrl once', async () => {
    setup = angularInjector([provideBearerAuth({ tokenUrl: env.url, baseUrl: env.api.url, retry: { maxAttempts: 1 } })], { real: true });
    await firstValueFrom(setup.http.get(`${env.api.url}/videos`));
    expect(env.authorizationHeaders).toEqual([]);
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    env.api.revokeAll();
    const page = await firstValueFrom(setup.http.get<{ data: unknown[] }>(`${env.api.url}/videos`));
    expect(page.data).toEqual([]);
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(2);
    expect(env.api.counts['POST /auth/refresh']).toBe(1);
    expect(env.authorizationHeaders).toEqual([]);
  });

  it('lets a custom transport use HttpClient with WITHOUT_BEARER, even to an origin in scope: no deadlock, no Authorization', async () => {
    let http: HttpClient | undefined;
    // The endpoint sends no refresh token: an empty one makes every refresh a login, i.e. another POST to it.
    const ask = () => http!.post<TokenResponse>(env.url, {}, { context: new HttpContext().set(WITHOUT_BEARER, true) }).pipe(map((body) => ({ ...body, refresh_token: '' })));
    const transport: AuthTransport = { login: ask, refresh: ask };
    setup = angularInjector([provideBearerAuth({ apiKey: 'unused', transport, baseUrl: env.api.url, retry: { maxAttempts: 1 } })], { real: true });
    http = setup.http;
    const page = await firstValueFrom(setup.http.get<{ data: unknown[] }>(`${env.api.url}/videos`));
    expect(env.authorizationHeaders).toEqual([]);
    expect(env.api.counts[`POST ${TOKEN_PATH}`]).toBe(1);
    expect(setup.injector.runInContext(() => injectBearerAuth()).scope.allowsToken(env.url)).toBeTrue();
    expect(page.data).toEqual([]);
  });
});
