import crossFetch from 'cross-fetch';
import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

describe('redirects never carry the token to another origin', () => {
  let api: ApiVideoTestServer;
  let other: ApiVideoTestServer;
  let auth: BearerAuth | undefined;
  const via = (target: string) => `/redirect?to=${encodeURIComponent(target)}`;

  beforeEach(async () => {
    [api, other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
  });
  afterEach(async () => {
    auth?.dispose();
    await Promise.all([api.close(), other.close()]);
  });

  // node-fetch (inside cross-fetch) keeps Authorization when only the port differs; Node's fetch drops it.
  for (const [name, fetchImpl] of [['global fetch', undefined], ['cross-fetch', crossFetch as unknown as typeof fetch]] as const) {
    describe(`with ${name}`, () => {
      const make = (extra = {}) => (auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, ...(fetchImpl ? { fetch: fetchImpl } : {}), ...extra }));

      it('drops the header at a redirect to another origin, and its 401 triggers no refresh', async () => {
        const response = await firstValueFrom(make().fetch(via(`${other.url}/videos`)));
        expect(response.status).toBe(401);
        expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
        expect(api.counts['POST /auth/refresh']).toBeUndefined();
      });

      it('keeps the token on a redirect within the origin', async () => {
        const response = await firstValueFrom(make().fetch(via('/videos')));
        expect(response.status).toBe(200);
        expect(api.log.filter((entry) => entry.path === '/videos').map((entry) => entry.hadAuthorization)).toEqual([true]);
      });

      it('sends the token to an allowed origin at the end of a redirect', async () => {
        await firstValueFrom(make({ allowedOrigins: [other.url] }).fetch(via(`${other.url}/videos`)));
        expect(other.log[0]?.hadAuthorization).toBeTrue();
      });

      it('drops a header the caller set too, as fetch does across origins', async () => {
        await firstValueFrom(make().fetch(`${api.url}${via(`${other.url}/videos`)}`, { headers: { authorization: 'Basic secret' } }));
        expect(other.log[0]?.hadAuthorization).toBeFalse();
      });
    });
  }

  it('keeps method and body on a 307', async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
    const video = await firstValueFrom(auth.json<{ title: string }>(`/redirect?status=307&to=${encodeURIComponent('/videos')}`, { method: 'POST', body: JSON.stringify({ title: 'moved' }) }));
    expect(video.title).toBe('moved');
  });

  it('gives up on a redirect loop after 20 hops with a NetworkError, and sends nothing more', async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
    const error = await firstValueFrom(auth.fetch('/redirect')).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_NETWORK', cause: jasmine.objectContaining({ message: 'more than 20 redirects' }) }));
    expect(api.counts['GET /redirect']).toBe(21); // the first request and 20 redirects followed
  });

  it('turns a POST into a GET on a 302, as fetch does', async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
    const response = await firstValueFrom(auth.fetch(via('/videos'), { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }));
    expect(response.status).toBe(200);
    expect(api.log.filter((entry) => entry.path === '/videos').map((entry) => entry.method)).toEqual(['GET']);
  });
});
