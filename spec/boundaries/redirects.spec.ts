import crossFetch from 'cross-fetch';
import fc from 'fast-check';
import { firstValueFrom } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth } from '../../src/index.js';
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

      it('drops the token at a hop to an allowed origin too, as browsers and Node do', async () => {
        await firstValueFrom(make({ allowedOrigins: [other.url] }).fetch(via(`${other.url}/videos`)));
        expect(other.log[0]?.hadAuthorization).toBeFalse();
      });

      it('drops Cookie and Proxy-Authorization at a hop to another origin, and keeps them within the origin', async () => {
        const headers = { cookie: 'session=s3cret', 'proxy-authorization': 'Basic cHJveHk=' };
        const client = make();
        await firstValueFrom(client.fetch(via(`${other.url}/videos`), { headers }));
        await firstValueFrom(client.fetch(via('/videos'), { headers }));
        expect(other.log.map(({ hadCookie, hadProxyAuthorization }) => ({ hadCookie, hadProxyAuthorization }))).toEqual([{ hadCookie: false, hadProxyAuthorization: false }]);
        const home = api.log.filter((entry) => entry.path === '/videos');
        expect(home.map(({ hadCookie, hadProxyAuthorization }) => ({ hadCookie, hadProxyAuthorization }))).toEqual([{ hadCookie: true, hadProxyAuthorization: true }]);
      });

      it('keeps credentials dropped when the chain comes back (A -> B -> A), and that 401 costs no refresh', async () => {
        const back = `${other.url}/redirect?to=${encodeURIComponent(`${api.url}/videos`)}`;
        const response = await firstValueFrom(make().fetch(via(back), { headers: { cookie: 'session=s3cret' } }));
        expect(response.status).toBe(401);
        const final = api.log.filter((entry) => entry.path === '/videos');
        expect(final.map(({ hadAuthorization, hadCookie }) => ({ hadAuthorization, hadCookie }))).toEqual([{ hadAuthorization: false, hadCookie: false }]);
        expect(api.counts['POST /auth/refresh']).toBeUndefined();
      });

      for (const location of ['data:application/json,{"data":["forged"]}', 'javascript:alert(1)', 'file:///etc/passwd']) {
        it(`refuses to follow Location: ${location.slice(0, location.indexOf(':') + 1)} with a NetworkError`, async () => {
          const error = await firstValueFrom(make().json(via(location))).catch((caught: unknown) => caught);
          expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_NETWORK', cause: jasmine.objectContaining({ message: 'a redirect to a URL that is not http(s) is not followed' }) }));
        });
      }

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

  describe('auth calls never follow a redirect (the body holds the API key or the refresh token)', () => {
    for (const status of [307, 302]) {
      it(`a ${status} from /auth/api-key to another origin is AuthError 'redirected', sent once, and the other origin gets nothing`, async () => {
        api.fail('POST /auth/api-key', { status, count: 10, headers: { location: `${other.url}/auth/api-key?from=redirect` } });
        auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
        const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
        expect(error).toEqual(jasmine.any(AuthError));
        expect(error).toEqual(jasmine.objectContaining({ reason: 'redirected', status }));
        expect((error as Error).message).toContain(other.url);
        expect((error as Error).message).not.toContain('from=redirect'); // only the origin, never the server-chosen rest
        expect((error as Error).message).not.toContain('test-api-key');
        expect(other.log).toEqual([]);
        expect(api.counts['POST /auth/api-key']).toBe(1); // not retried as if transient
      });
    }

    it('a redirect from /auth/refresh is refused the same way, and the refresh token goes nowhere else', async () => {
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      await firstValueFrom(auth.json('/videos'));
      api.fail('POST /auth/refresh', { status: 308, headers: { location: `${other.url}/auth/refresh` } });
      const error = await firstValueFrom(auth.refresh()).catch((caught: unknown) => caught);
      expect(error).toEqual(jasmine.objectContaining({ reason: 'redirected', status: 308 }));
      expect(other.log).toEqual([]);
    });
  });

  it('property: along any redirect chain, the token reaches only the first hop and same-origin hops after it, if that origin is in scope', async () => {
    const allowed = await createApiVideoTestServer();
    try {
      const servers = { api, allowed, other };
      type Name = keyof typeof servers;
      // 401s from where the token is not valid must not cause resends here: only the timer refreshes.
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, allowedOrigins: [allowed.url], refreshOn: 'timer' });
      await firstValueFrom(auth.json('/videos'));
      const hop = fc.record({ at: fc.constantFrom<Name>('api', 'allowed', 'other'), status: fc.constantFrom(301, 302, 303, 307, 308) });
      await fc.assert(
        fc.asyncProperty(fc.array(hop, { maxLength: 5 }), fc.constantFrom<Name>('api', 'allowed', 'other'), fc.constantFrom('GET', 'POST'), async (hops, end, method) => {
          Object.values(servers).forEach((server) => server.reset());
          let url = `${servers[end].url}/videos`;
          for (const { at, status } of [...hops].reverse()) url = `${servers[at].url}/redirect?status=${status}&to=${encodeURIComponent(url)}`;
          await firstValueFrom(auth!.fetch(url, method === 'POST' ? { method, body: '{}' } : {}));
          // Where the token may be: the first hop if in scope, then while each hop stays on the previous one's origin.
          const visited = [...hops.map(({ at }) => at), end];
          let carries = visited[0] !== 'other';
          const expected = visited.map((at, i) => (carries = carries && (i === 0 || at === visited[i - 1])));
          const seen = Object.values(servers).flatMap((server) => server.log.map((entry) => ({ time: entry.time, server, had: entry.hadAuthorization })));
          const byServer = (name: Name) => servers[name].log.map((entry) => entry.hadAuthorization);
          for (const name of Object.keys(servers) as Name[]) {
            expect(byServer(name)).toEqual(visited.flatMap((at, i) => (at === name ? [expected[i]!] : [])));
          }
          expect(seen.length).toBe(visited.length);
        }),
        { numRuns: 60 },
      );
    } finally {
      await allowed.close();
    }
  });
});
