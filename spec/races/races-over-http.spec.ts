import { firstValueFrom } from 'rxjs';
import { createBearerAuth, HttpError, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';
import { eventually, settleAll } from '../helpers/http.js';
import { createLeakWatch, secretsOf } from '../helpers/leaks.js';

describe('races (over HTTP)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth;
  let leaks: ReturnType<typeof createLeakWatch>;

  beforeEach(async () => {
    server = await createApiVideoTestServer();
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    leaks = createLeakWatch();
    leaks.watch(auth.state$);
  });
  afterEach(async () => {
    auth.dispose();
    expect(leaks.leaks(secretsOf('test-api-key', server.issuedRefreshTokens))).toEqual([]);
    await server.close();
  });

  it('revoking every token while 1,000 requests are in flight costs exactly one refresh, and every request succeeds', async () => {
    await firstValueFrom(auth.json('/videos'));
    let release = () => {};
    server.fail('GET /videos', { until: new Promise<void>((resolve) => (release = resolve)), count: 1000 });
    const results = settleAll(Array.from({ length: 1000 }, () => auth.json('/videos')));
    expect(await eventually(() => server.counts['GET /videos'] === 1001, 10_000)).toBeTrue();
    server.revokeAll();
    release();
    const { ok, failed, reasons } = await results;
    leaks.add(...reasons);
    expect({ ok, failed }).toEqual({ ok: 1000, failed: 0 });
    expect(server.unauthorized).toBe(1000);
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.counts['POST /auth/api-key']).toBe(1);
  }, 30_000);

  it('never sends a refresh token twice: forced refreshes, a timer-free 401 storm and refresh() share one call', async () => {
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    const { ok } = await settleAll([auth.refresh(), auth.refresh(), ...Array.from({ length: 20 }, () => auth.json('/videos')), auth.refresh()]);
    expect(ok).toBe(23);
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.log.filter((entry) => entry.path === '/auth/refresh').map((entry) => entry.status)).toEqual([200]);
  });

  it('hands a 401 that persists with the fresh token to the caller once, after one refresh', async () => {
    await firstValueFrom(auth.json('/videos'));
    server.fail('GET /videos', { status: 401, count: 2 });
    const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
    leaks.add(error);
    expect(error).toEqual(jasmine.any(HttpError));
    expect((error as HttpError).status).toBe(401);
    expect(server.counts['GET /videos']).toBe(3);
    expect(server.counts['POST /auth/refresh']).toBe(1);
  });

  it('resends a late 401 for an older token with the newer one, without another refresh', async () => {
    await firstValueFrom(auth.json('/videos'));
    server.fail('GET /videos', { delay: 300, status: 401 }); // this request's 401 arrives after the forced refresh below
    const late = firstValueFrom(auth.json('/videos'));
    expect(await eventually(() => server.counts['GET /videos'] === 2)).toBeTrue();
    await firstValueFrom(auth.refresh());
    await expectAsync(late).toBeResolved();
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.log.at(-1)?.token).toBe(auth.token!);
  });
});
