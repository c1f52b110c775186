import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';

describe('auth.fetch / auth.json with `json` in the init (as ky takes it)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { initialDelay: 5 } });
  });
  afterEach(async () => {
    auth.dispose();
    await server.close();
  });

  it('sends the value as JSON with content-type application/json, through a resend after a revocation too', async () => {
    const seen: Array<string | null> = [];
    auth.dispose();
    auth = createBearerAuth({
      apiKey: 'test-api-key',
      baseUrl: server.url,
      fetch: (input, init) => (seen.push(new Headers(init?.headers).get('content-type')), fetch(input, init)),
    });
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();
    const video = await firstValueFrom(auth.json<{ title: string; tags: string[] }>('/videos', { method: 'POST', json: { title: 'ünïcode', tags: ['a'] } }));
    expect(video).toEqual(jasmine.objectContaining({ title: 'ünïcode', tags: ['a'] }));
    expect(server.log.filter((entry) => entry.method === 'POST' && entry.path === '/videos').map((entry) => [entry.status, entry.body?.['title']])).toEqual([
      [401, 'ünïcode'],
      [201, 'ünïcode'],
    ]);
    // The auth calls first (login, refresh), then the API: both POSTs said JSON.
    expect(seen.slice(-2)).toEqual(['application/json', 'application/json']);
  });

  it("keeps the caller's own content type", async () => {
    const response = await firstValueFrom(auth.fetch('/videos', { method: 'POST', json: { title: 'x' }, headers: { 'Content-Type': 'application/vnd.api+json' } }));
    expect(response.status).toBe(201);
    expect(server.log.at(-1)?.body).toEqual(jasmine.objectContaining({ title: 'x' }));
  });

  it('refuses, before any send and without a login, json with body and values JSON cannot carry', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    for (const init of [{ json: {}, body: '{}' }, { json: 10n }, { json: cyclic }, { json: () => 1 }, { json: Symbol('s') }]) {
      await expectAsync(firstValueFrom(auth.fetch('/videos', { method: 'POST', ...init }))).toBeRejectedWith(jasmine.any(TypeError));
    }
    expect(server.log.length).toBe(0);
  });

  it('json: null sends the JSON text null; json: undefined sends no body', async () => {
    const sent: Array<unknown> = [];
    auth.dispose();
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, fetch: (input, init) => (sent.push(init?.body), fetch(input, init)) });
    await firstValueFrom(auth.fetch('/videos', { method: 'POST', json: null }));
    await firstValueFrom(auth.fetch('/videos', { method: 'POST', json: undefined }));
    expect(sent.slice(-2)).toEqual(['null', undefined]);
  });
});
