import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

/**
 * What msw, service workers and response caches hand out: a Response built
 * anew and cloned, whose stream is shared with a copy nobody reads. On such a
 * Response `body.cancel()` never settles, so a client that waits on it to
 * discard an unwanted body hangs for good.
 */
function cloningFetch() {
  const unread: Response[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const real = await fetch(input, init);
    const rebuilt = new Response(real.body, { status: real.status, statusText: real.statusText, headers: real.headers });
    unread.push(rebuilt);
    return rebuilt.clone();
  };
  return { fetchImpl, unread };
}

describe('a fetch that hands out cloned Responses (msw, service workers, caches)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth;
  let cloning: ReturnType<typeof cloningFetch>;

  beforeEach(async () => {
    server = await createApiVideoTestServer();
    cloning = cloningFetch();
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, fetch: cloning.fetchImpl });
  });
  afterEach(async () => {
    auth.dispose();
    await server.close();
  });

  it('gets past a 401 with a JSON body: refreshes, resends and answers', async () => {
    await firstValueFrom(auth.json('/videos'));
    server.revokeAll();

    const page = await firstValueFrom(auth.json<{ data: unknown[] }>('/videos'));

    expect(page.data).toEqual([]);
    expect(server.unauthorized).toBe(1);
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(cloning.unread.length).toBeGreaterThan(0);
  });

  it('follows a redirect whose answer has a body', async () => {
    server.fail('GET /redirect', { status: 302, body: '<p>Moved to <a href="/videos">/videos</a></p>', headers: { location: '/videos', 'content-type': 'text/html' } });

    const page = await firstValueFrom(auth.json<{ data: unknown[] }>('/redirect'));

    expect(page.data).toEqual([]);
    expect(server.log.map((entry) => `${entry.status} ${entry.path}`)).toEqual(['200 /auth/api-key', '302 /redirect', '200 /videos']);
  });
});
