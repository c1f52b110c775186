import { firstValueFrom } from 'rxjs';
import { createBearerAuth, createHttpTransport, HttpError, type BearerAuth, type BearerAuthOptions } from '../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/api-video-test-server.js';
import { eventually, settleAll } from './helpers/http.js';

describe('over real HTTP against the api.video-compatible server', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth;
  const make = (options: Partial<BearerAuthOptions> = {}) =>
    (auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { initialDelay: 5 }, ...options }));

  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    auth?.dispose();
    await server.close();
  });

  it('serves 100 concurrent requests on a cold client with exactly one login', async () => {
    make();
    const result = await settleAll(Array.from({ length: 100 }, () => auth.json('/videos')));
    expect(result).toEqual(jasmine.objectContaining({ ok: 100, failed: 0 }));
    expect(server.counts['POST /auth/api-key']).toBe(1);
    expect(server.counts['POST /auth/refresh']).toBeUndefined();
    expect(server.unauthorized).toBe(0);
  });

  it('after the server revokes every token, 50 concurrent requests cause exactly one refresh and all succeed', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    const result = await settleAll(Array.from({ length: 50 }, () => auth.json('/videos')));
    expect(result).toEqual(jasmine.objectContaining({ ok: 50, failed: 0 }));
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.counts['POST /auth/api-key']).toBe(1);
  });

  it('logs in again with the API key when the refresh token is revoked too', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll({ refreshTokens: true });
    const result = await settleAll(Array.from({ length: 10 }, () => auth.json('/videos')));
    expect(result.ok).toBe(10);
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.counts['POST /auth/api-key']).toBe(2);
  });

  it('sends the auth calls as api.video documents them', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    make({ fetch: (input, init = {}) => (seen.push({ url: String(input), init }), fetch(input, init)) });
    await firstValueFrom(auth.refresh());
    await firstValueFrom(auth.refresh());
    const [login, refresh] = seen;
    expect(login?.url).toBe(`${server.url}/auth/api-key`);
    expect(refresh?.url).toBe(`${server.url}/auth/refresh`);
    for (const call of [login, refresh]) {
      expect(call?.init.method).toBe('POST');
      expect(call?.init.headers).toEqual(jasmine.objectContaining({ accept: 'application/json', 'content-type': 'application/json' }));
    }
    expect(JSON.parse(String(login?.init.body))).toEqual({ apiKey: 'test-api-key' });
    expect(Object.keys(JSON.parse(String(refresh?.init.body)))).toEqual(['refreshToken']);
  });

  it('never sends the token to another origin, unless that origin is allowed', async () => {
    const other = await createApiVideoTestServer();
    try {
      make();
      await firstValueFrom(auth.fetch(`${other.url}/videos`));
      expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
      expect(server.counts['POST /auth/api-key']).toBeUndefined(); // a foreign request does not even log in
      auth.dispose();
      make({ allowedOrigins: [other.url] });
      await firstValueFrom(auth.fetch(`${other.url}/videos`));
      // That server does not know our token: it answers 401, we refresh once and resend, still with a token.
      expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false, true, true]);
    } finally {
      await other.close();
    }
  });

  it('resolves relative URLs as fetch would; a "//host" or "/\\host" input is another origin and gets no token', async () => {
    const other = await createApiVideoTestServer();
    try {
      make();
      await firstValueFrom(auth.fetch('/videos?page=2'));
      await firstValueFrom(auth.fetch('videos'));
      await firstValueFrom(auth.fetch(`//${new URL(other.url).host}/videos`));
      await firstValueFrom(auth.fetch(`/\\${new URL(other.url).host}/videos`)); // the URL parser reads '/\' as '//'
      expect(server.log.filter((entry) => entry.path === '/videos').map((entry) => entry.hadAuthorization)).toEqual([true, true]);
      expect(other.log.map((entry) => [entry.path, entry.hadAuthorization])).toEqual([['/videos', false], ['/videos', false]]);
      auth.dispose();

      // A baseUrl with a path: '/videos' replaces the path, 'videos' extends it (the URL standard's resolution).
      make({ baseUrl: `${server.url}/v1`, transport: createHttpTransport({ baseUrl: server.url }) });
      server.reset();
      await firstValueFrom(auth.fetch('/videos'));
      await firstValueFrom(auth.fetch('videos'));
      expect(server.log.filter((entry) => !entry.path.startsWith('/auth/')).map((entry) => [entry.path, entry.hadAuthorization])).toEqual([
        ['/videos', true],
        ['/v1/videos', true],
      ]);
    } finally {
      await other.close();
    }
  });

  it('sends nothing for a request unsubscribed at once (take(0), a switchMap moving on)', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    for (let i = 0; i < 20; i++) auth.json('/videos').subscribe().unsubscribe();
    await firstValueFrom(auth.json('/videos')); // sent after them on the same pool, so it arrives after any of them would
    expect(server.counts['GET /videos']).toBe(2);
    expect(server.aborted).toBe(0);
  });

  it('aborts the HTTP request on the server side when the caller unsubscribes', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.fail('GET /videos', { delay: 5000 });
    const subscription = auth.json('/videos').subscribe();
    expect(await eventually(() => server.counts['GET /videos'] === 2)).toBe(true);
    subscription.unsubscribe();
    expect(await eventually(() => server.aborted === 1)).toBe(true);
  });

  for (const [label, body] of [
    ['a string', () => JSON.stringify({ title: 'resent' })],
    ['a Blob', () => new Blob([JSON.stringify({ title: 'resent' })])],
    ['an ArrayBuffer', () => new TextEncoder().encode(JSON.stringify({ title: 'resent' })).buffer],
    ['a URLSearchParams', () => new URLSearchParams({ title: 'resent' })],
  ] as const) {
    it(`sends ${label} body again when the first attempt got a 401`, async () => {
      make();
      await firstValueFrom(auth.json('/videos'));
      server.revokeAll();
      const video = await firstValueFrom(auth.json<{ title: string }>('/videos', { method: 'POST', body: body() }));
      expect(video.title).toBe('resent');
      expect(server.log.filter((entry) => entry.method === 'POST' && entry.path === '/videos').map((entry) => entry.status)).toEqual([401, 201]);
    });
  }

  it('sends a FormData body again when the first attempt got a 401', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    const form = new FormData();
    form.set('title', 'multipart');
    const response = await firstValueFrom(auth.fetch('/videos', { method: 'POST', body: form }));
    expect(response.status).toBe(201);
    expect(server.log.filter((entry) => entry.method === 'POST' && entry.path === '/videos').map((entry) => entry.status)).toEqual([401, 201]);
  });

  it('resends a Request, body included, when the first attempt got a 401', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    const request = new Request(`${server.url}/videos`, { method: 'POST', body: JSON.stringify({ title: 'from a Request' }) });
    const video = await firstValueFrom(auth.json<{ title: string }>(request));
    expect(video.title).toBe('from a Request');
    expect(server.counts['POST /videos']).toBe(2);
  });

  it("json() fails with an HttpError carrying api.video's problem details", async () => {
    make();
    const error = await firstValueFrom(auth.json('/no-such-route')).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.any(HttpError));
    expect(error).toEqual(jasmine.objectContaining({ status: 404, url: `${server.url}/no-such-route`, body: jasmine.objectContaining({ status: 404 }) }));
  });

  it('fetch() hands a 401 that persists after one refresh to the caller as a Response', async () => {
    make();
    await firstValueFrom(auth.json('/videos'));
    server.fail('GET /videos', { status: 401, count: 2 });
    const response = await firstValueFrom(auth.fetch('/videos'));
    expect(response.status).toBe(401);
    expect(server.counts['POST /auth/refresh']).toBe(1);
  });

  it('rides out 503s from the auth server with retries', async () => {
    server.fail('POST /auth/api-key', { status: 503, count: 2 });
    make();
    await expectAsync(firstValueFrom(auth.json('/videos'))).toBeResolved();
    expect(server.counts['POST /auth/api-key']).toBe(3);
  });

  // 400 is what api.video's description documents; 401 and 403 are what other servers (and proxies) answer.
  for (const status of [400, 401, 403]) {
    it(`reports a rejected API key (HTTP ${status}) once, without retrying and without the key in the error`, async () => {
      server.rejectionStatus = status;
      make({ apiKey: 'wrong-secret-key' });
      const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
      expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'rejected', status }));
      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(JSON.stringify(error) + String(error) + (error as Error).stack).not.toContain('wrong-secret-key');
    });
  }

  it('reports an unreachable auth server as unavailable, with the network error as cause', async () => {
    const closed = server.url;
    await server.close();
    server = await createApiVideoTestServer();
    make({ baseUrl: closed, retry: { maxAttempts: 2, initialDelay: 1 } });
    const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
    expect(error).toEqual(jasmine.objectContaining({ reason: 'unavailable', cause: jasmine.objectContaining({ code: 'ERR_NETWORK' }) }));
  });
});
