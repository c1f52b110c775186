import { firstValueFrom } from 'rxjs';
import { createBearerAuth, HttpError, type BearerAuth } from '../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/api-video-test-server.js';

/** What auth.json's errors say, over real HTTP on 127.0.0.1 (issue #24). */
describe('fetch-helpers: a 401 from an origin outside the credential scope', () => {
  let server: ApiVideoTestServer;
  let other: ApiVideoTestServer;
  let auth: BearerAuth;

  beforeEach(async () => {
    [server, other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
  });
  afterEach(async () => {
    auth.dispose();
    await Promise.all([server.close(), other.close()]);
  });

  it('says rx-bearer sent no token there and names allowedOrigins', async () => {
    const error = await firstValueFrom(auth.json(`${other.url}/videos`)).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect((error as HttpError).message).toBe(
      `HTTP 401 Unauthorized from ${other.url}/videos (rx-bearer sent no token: this origin is outside the credential scope; add it to allowedOrigins to send one)`,
    );
    expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
  });

  it("an auth route of baseUrl's own origin gets no token either, but allowedOrigins would not change that: no hint", async () => {
    server.fail('POST /auth/refresh', { status: 401, count: 1 });
    const error = await firstValueFrom(auth.json('/auth/refresh', { method: 'POST', body: '{}' })).then(() => null, (e: unknown) => e);
    expect((error as HttpError).status).toBe(401);
    expect((error as HttpError).message).toBe(`HTTP 401 Unauthorized from ${server.url}/auth/refresh`);
  });

  it('a 401 inside the scope (refused twice) keeps the plain message', async () => {
    await firstValueFrom(auth.json('/videos'));
    server.fail('GET /videos', { status: 401, count: 2 });
    const error = await firstValueFrom(auth.json('/videos')).then(() => null, (e: unknown) => e);
    expect((error as HttpError).message).toBe(`HTTP 401 Unauthorized from ${server.url}/videos`);
  });
});
