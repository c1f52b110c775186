import { firstValueFrom } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';
import { eventually } from '../helpers/http.js';

describe('lifetime and politeness over HTTP', () => {
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

  it('a failed login followed by silence sends no further auth call', async () => {
    server.fail('POST /auth/api-key', { status: 503, count: 1000 });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 2, initialDelay: 0, maxDelay: 20 } });
    await expectAsync(firstValueFrom(auth.json('/videos'))).toBeRejectedWith(jasmine.any(AuthError));
    const logins = server.counts['POST /auth/api-key'];
    expect(logins).toBe(2);
    // Many times retry.maxDelay: a background loop would have logged in again by now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(server.counts['POST /auth/api-key']).toBe(logins);
  });

  it('Retry-After: 3600 on the login, then 10 requests: one login in total, and each request fails at once as rate-limited', async () => {
    server.fail('POST /auth/api-key', { status: 429, retryAfter: 3600, count: 1000 });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    const errors: unknown[] = [];
    for (let i = 0; i < 11; i++) errors.push(await firstValueFrom(auth.json('/videos')).catch((error: unknown) => error));
    expect(server.counts['POST /auth/api-key']).toBe(1);
    expect(errors.every((error) => error instanceof AuthError && error.reason === 'rate-limited')).toBeTrue();
    const wait = (errors[10] as AuthError).retryAfter!;
    expect(wait).toBeGreaterThan(3_500_000);
    expect(wait).toBeLessThanOrEqual(3_600_000);
  });

  it('a route that refuses every token costs one refresh, not one per request; a revocation elsewhere still costs one and fails nothing', async () => {
    server.fail('GET /forbidden', { status: 401, count: 1000 });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    for (let i = 0; i < 20; i++) expect((await firstValueFrom(auth.fetch('/forbidden'))).status).toBe(401);
    expect(server.counts['POST /auth/refresh']).toBe(1);
    server.revokeAll();
    const page = await firstValueFrom(auth.json<{ data: unknown[] }>('/videos'));
    expect(page.data).toEqual(jasmine.any(Array));
    expect(server.counts['POST /auth/refresh']).toBe(2);
  });

  it("honours the caller's signal while the request waits for a login: it settles with the reason, and nothing is sent", async () => {
    server.fail('POST /auth/api-key', { hang: true });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    const controller = new AbortController();
    const reason = new Error('the user left');
    const request = firstValueFrom(auth.json('/videos', { signal: controller.signal }));
    expect(await eventually(() => server.counts['POST /auth/api-key'] === 1)).toBeTrue();
    controller.abort(reason);
    await expectAsync(request).toBeRejectedWith(reason);
    expect(server.counts['GET /videos']).toBeUndefined();
  });

  it("honours the caller's signal while a Request's streaming body is still being read", async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    const controller = new AbortController();
    const endless = new ReadableStream({ pull: () => new Promise<void>(() => {}) });
    const request = new Request(`${server.url}/videos`, { method: 'POST', body: endless, duplex: 'half', signal: controller.signal } as RequestInit);
    const sent = firstValueFrom(auth.fetch(request));
    setTimeout(() => controller.abort(new Error('the caller gave up')), 50);
    await expectAsync(sent).toBeRejectedWithError('the caller gave up');
  });

  it("honours the caller's signal during the resend after a 401", async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    server.fail('POST /auth/refresh', { hang: true });
    const controller = new AbortController();
    const request = firstValueFrom(auth.json('/videos', { signal: controller.signal }));
    expect(await eventually(() => server.counts['POST /auth/refresh'] === 1)).toBeTrue();
    controller.abort();
    await expectAsync(request).toBeRejectedWith(jasmine.objectContaining({ name: 'AbortError' }));
  });
});
