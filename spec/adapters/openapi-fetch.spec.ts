import createClient, { type Middleware } from 'openapi-fetch';
import { bearerOpenApiFetch } from '../../src/openapi-fetch/index.js';
import { adapterServers } from './adapter-servers.js';

/** The part of api.video's OpenAPI description these specs call. */
interface paths {
  '/videos': {
    get: { responses: { 200: { content: { 'application/json': { data: Array<{ videoId: string }> } } }; 401: { content: { 'application/json': { title: string } } } } };
    post: { requestBody: { content: { 'application/json': { title: string } } }; responses: { 201: { content: { 'application/json': { videoId: string; title: string } } } } };
  };
}

describe('rx-bearer/openapi-fetch (bearerOpenApiFetch) with openapi-fetch 0.17 over real HTTP', () => {
  const the = adapterServers();
  const client = (baseUrl = the.api.url) => createClient<paths>({ baseUrl, ...bearerOpenApiFetch(the.auth) });

  it('after a revocation, 100 concurrent requests cause one refresh and all succeed', async () => {
    const api = client();
    await api.GET('/videos');
    the.api.revokeAll();
    const results = await Promise.all(Array.from({ length: 100 }, () => api.GET('/videos')));
    expect(results.filter((result) => result.error !== undefined || result.response.status !== 200).length).toBe(0);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
  });

  it('sends no token to another origin', async () => {
    await client(the.other.url).GET('/videos');
    expect(the.other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
    expect(the.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it("middlewares run once around the call: onRequest's header is sent, onResponse sees the final answer only", async () => {
    const api = client();
    const seen: number[] = [];
    const middleware: Middleware = {
      onRequest: ({ request }) => (request.headers.set('x-trace', 'yes'), request),
      onResponse: ({ response }) => void seen.push(response.status),
    };
    api.use(middleware);
    await api.GET('/videos');
    the.api.revokeAll();
    const { data } = await api.POST('/videos', { body: { title: 'kept' } });
    expect(data?.title).toBe('kept');
    expect(seen).toEqual([200, 201]);
  });

  it('a route that refuses a fresh token: the 401 reaches the caller as `error`, after one refresh', async () => {
    const api = client();
    await api.GET('/videos');
    the.api.fail('GET /videos', { status: 401, count: 100 });
    const { error, response } = await api.GET('/videos');
    expect(response.status).toBe(401);
    expect(error).toEqual(jasmine.objectContaining({ status: 401 }));
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
    expect(the.api.counts['GET /videos']).toBe(3);
  });
});
