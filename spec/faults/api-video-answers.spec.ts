import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth, type BearerAuthOptions } from '../../src/index.js';
import { createTokenHandler } from '../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

const API_KEY = 'described-api-key';

/**
 * The engine against the auth answers api.video's OpenAPI description
 * documents (400 `The user credentials were incorrect.` on both auth routes,
 * X-RateLimit-* headers on every answer, a 429 with only those), and against
 * the other statuses a server or a proxy may send instead.
 */
describe("the engine against api.video's described answers (over HTTP)", () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth | undefined;
  const make = (options: Partial<BearerAuthOptions> = {}) =>
    (auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, retry: { initialDelay: 1 }, ...options }));
  const list = () => firstValueFrom(auth!.fetch('/videos'));

  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await server.close();
  });

  for (const status of [400, 401, 403]) {
    it(`takes a refresh refused with ${status} as a spent refresh token: 20 requests after a revocation cost 1 refresh and 1 login, none fails`, async () => {
      server = await createApiVideoTestServer({ apiKey: API_KEY, rejectionStatus: status });
      make();
      await list();
      server.revokeAll({ refreshTokens: true });
      const statuses = await Promise.all(Array.from({ length: 20 }, async () => (await list()).status));
      expect(statuses).toEqual(new Array(20).fill(200));
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.counts['POST /auth/api-key']).toBe(2);
      expect(server.log.filter((entry) => entry.path === '/auth/refresh').map((entry) => entry.status)).toEqual([status]);
    });
  }

  it("a login over api.video's rate limit (429, X-RateLimit-Retry-After only, longer than retry.maxDelay) fails at once as rate-limited, and nobody calls again within it", async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY, rateLimit: { limit: 0, window: 60 } });
    make();
    const error = await list().catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'rate-limited', status: 429 }));
    const { retryAfter } = error as { retryAfter: number };
    expect(retryAfter).toBeGreaterThan(50_000);
    expect(retryAfter).toBeLessThanOrEqual(60_000);
    await expectAsync(list()).toBeRejectedWith(jasmine.objectContaining({ reason: 'rate-limited' }));
    expect(server.counts['POST /auth/api-key']).toBe(1);
  });

  it("passes api.video's rate limit on to browsers: the token endpoint answers 503 with a Retry-After taken from X-RateLimit-Retry-After", async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY, rateLimit: { limit: 0, window: 60 } });
    const handler = createTokenHandler({ apiKey: API_KEY, baseUrl: server.url, authorize: () => true });
    try {
      const answer = await handler(new Request('http://app.test/api/video-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      expect(answer.status).toBe(503);
      const retryAfter = Number(answer.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(50);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(server.counts['POST /auth/api-key']).toBe(1);
    } finally {
      handler.dispose();
    }
  });

  it("retries a 503 that carries api.video's X-RateLimit-Retry-After (the window's reset) after its backoff, instead of giving up as rate-limited", async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY });
    server.fail('POST /auth/api-key', { status: 503, headers: { 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59', 'x-ratelimit-retry-after': '59' } });
    make();
    expect((await list()).status).toBe(200);
    expect(server.counts['POST /auth/api-key']).toBe(2);
  });
});
