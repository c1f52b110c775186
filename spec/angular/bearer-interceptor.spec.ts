import { HttpErrorResponse } from '@angular/common/http';
import { firstValueFrom, of } from 'rxjs';
import { DisposedError, ServerRenderingError, type AuthTransport, type TokenResponse } from 'rx-bearer';
import { BEARER_AUTH, injectBearerAuth, provideBearerAuth } from '../../src/angular/index.js';
import { createApiVideoTestServer } from '../../src/testing/index.js';
import { tokenResponse } from '../../src/testing/marbles.js';
import { angularInjector } from './angular-injector.js';

const API = 'https://ws.api.video';

/** A transport answering at once (synchronously), counting calls. */
function instantTransport() {
  const calls = { login: 0, refresh: 0 };
  const issued: string[] = [];
  const answer = (kind: 'login' | 'refresh') => () => {
    calls[kind]++;
    const response: TokenResponse = tokenResponse();
    issued.push(response.access_token);
    return of(response);
  };
  const transport: AuthTransport = { login: answer('login'), refresh: answer('refresh') };
  return { transport, calls, issued };
}

describe('rx-bearer/angular with HttpClient and HttpTestingController', () => {
  let setup: ReturnType<typeof angularInjector>;
  let fake: ReturnType<typeof instantTransport>;

  beforeEach(() => {
    fake = instantTransport();
    setup = angularInjector([provideBearerAuth({ apiKey: 'key', baseUrl: API, allowedOrigins: ['https://cdn.example.com'], transport: fake.transport })], {
      documentBase: `${API}/app/`,
    });
  });
  afterEach(() => {
    if (!setup.injector.destroyed) {
      setup.controller().verify();
      setup.injector.destroy();
    }
  });

  it("attaches the token for the API's origin, an allowed origin and relative URLs that resolve to one of them", () => {
    for (const url of [`${API}/videos`, 'https://cdn.example.com/x', '/local/thing']) setup.http.get(url).subscribe();
    for (const url of [`${API}/videos`, 'https://cdn.example.com/x', '/local/thing']) {
      const request = setup.controller().expectOne(url);
      expect(request.request.headers.get('Authorization')).toBe(`Bearer ${fake.issued[0]}`);
      request.flush({});
    }
    expect(fake.calls.login).toBe(1);
  });

  it('leaves requests to other origins and to the auth routes untouched, without logging in', () => {
    for (const url of ['https://example.org/videos', `${API}/auth/refresh`, `${API}/auth/api-key`]) setup.http.post(url, {}).subscribe();
    for (const url of ['https://example.org/videos', `${API}/auth/refresh`, `${API}/auth/api-key`]) {
      const request = setup.controller().expectOne(url);
      expect(request.request.headers.has('Authorization')).toBeFalse();
      request.flush({});
    }
    expect(fake.calls.login).toBe(0);
  });

  it('20 concurrent 401s cause exactly one refresh, and all 20 are resent with the new token and succeed', async () => {
    const results = Array.from({ length: 20 }, () => firstValueFrom(setup.http.get<{ ok: boolean }>(`${API}/videos`)));
    const first = setup.controller().match(`${API}/videos`);
    expect(first.length).toBe(20);
    first.forEach((request) => request.flush({}, { status: 401, statusText: 'Unauthorized' }));
    const resent = setup.controller().match(`${API}/videos`);
    expect(resent.length).toBe(20);
    expect(fake.calls.refresh).toBe(1);
    expect(new Set(resent.map((request) => request.request.headers.get('Authorization')))).toEqual(new Set([`Bearer ${fake.issued[1]}`]));
    resent.forEach((request) => request.flush({ ok: true }));
    expect(await Promise.all(results)).toEqual(Array.from({ length: 20 }, () => ({ ok: true })));
  });

  it('hands a 401 that persists after the refresh to the caller', async () => {
    const result = firstValueFrom(setup.http.get(`${API}/videos`));
    setup.controller().expectOne(`${API}/videos`).flush({}, { status: 401, statusText: 'Unauthorized' });
    setup.controller().expectOne(`${API}/videos`).flush({ title: 'no' }, { status: 401, statusText: 'Unauthorized' });
    const error = await result.catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.any(HttpErrorResponse));
    expect((error as HttpErrorResponse).status).toBe(401);
    expect(fake.calls.refresh).toBe(1);
  });

  it('an endpoint that refuses even a fresh token costs one refresh, not one per request', async () => {
    for (let i = 0; i < 5; i++) {
      const result = firstValueFrom(setup.http.get(`${API}/forbidden`)).catch((caught: unknown) => caught);
      for (const request of setup.controller().match(`${API}/forbidden`)) request.flush({}, { status: 401, statusText: 'Unauthorized' });
      for (const request of setup.controller().match(`${API}/forbidden`)) request.flush({}, { status: 401, statusText: 'Unauthorized' });
      expect(await result).toEqual(jasmine.objectContaining({ status: 401 }));
    }
    expect(fake.calls.refresh).toBe(1);
  });

  it('passes other errors through without a refresh', async () => {
    const result = firstValueFrom(setup.http.get(`${API}/videos`));
    setup.controller().expectOne(`${API}/videos`).flush({}, { status: 500, statusText: 'Server Error' });
    await expectAsync(result).toBeRejectedWith(jasmine.objectContaining({ status: 500 }));
    expect(fake.calls.refresh).toBe(0);
  });

  it('injectBearerAuth() gives the same BearerAuth, and destroying the injector disposes it', async () => {
    const auth = setup.injector.runInContext(() => injectBearerAuth());
    expect(auth).toBe(setup.injector.get(BEARER_AUTH));
    let completed = false;
    auth.token$.subscribe({ complete: () => (completed = true) });
    setup.injector.destroy();
    expect(completed).toBeTrue();
    await expectAsync(firstValueFrom(auth.refresh())).toBeRejectedWith(jasmine.any(DisposedError));
  });
});

describe('rx-bearer/angular while rendering on the server', () => {
  it('sends nothing and leaves requests untouched, unless startOnServer is set', async () => {
    const fake = instantTransport();
    const server = angularInjector([provideBearerAuth({ apiKey: 'key', baseUrl: API, transport: fake.transport })], { platform: 'server' });
    const auth = server.injector.get(BEARER_AUTH);
    expect(await firstValueFrom(auth.token$)).toBeNull();
    await expectAsync(firstValueFrom(auth.json('/videos'))).toBeRejectedWith(jasmine.any(ServerRenderingError));
    server.http.get(`${API}/videos`).subscribe();
    const untouched = server.controller().expectOne(`${API}/videos`);
    expect(untouched.request.headers.has('Authorization')).toBeFalse();
    untouched.flush({});
    expect(fake.calls.login).toBe(0);
    server.injector.destroy();

    const allowed = angularInjector([provideBearerAuth({ apiKey: 'key', baseUrl: API, transport: fake.transport, startOnServer: true })], { platform: 'server' });
    allowed.http.get(`${API}/videos`).subscribe();
    const authorized = allowed.controller().expectOne(`${API}/videos`);
    expect(authorized.request.headers.get('Authorization')).toBe(`Bearer ${fake.issued[0]}`);
    authorized.flush({});
    allowed.injector.destroy();
  });
});

describe('rx-bearer/angular end to end: HttpClient withFetch() against the test server', () => {
  it('authenticates, survives a revocation with one refresh, and never sends the token elsewhere', async () => {
    const [server, other] = await Promise.all([createApiVideoTestServer({ apiKey: 'ng-key' }), createApiVideoTestServer()]);
    const { http, injector } = angularInjector([provideBearerAuth({ apiKey: 'ng-key', baseUrl: server.url })], { real: true });
    try {
      const page = await firstValueFrom(http.get<{ data: unknown[] }>(`${server.url}/videos`));
      expect(page.data).toEqual([]);
      server.revokeAll();
      const results = await Promise.all(Array.from({ length: 10 }, () => firstValueFrom(http.get(`${server.url}/videos`))));
      expect(results.length).toBe(10);
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.counts['POST /auth/api-key']).toBe(1);
      await firstValueFrom(http.get(`${other.url}/videos`)).catch(() => undefined);
      expect(other.log[0]?.hadAuthorization).toBeFalse();
    } finally {
      injector.destroy();
      await Promise.all([server.close(), other.close()]);
    }
  });
});
