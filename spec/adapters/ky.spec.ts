import ky, { HTTPError } from 'ky';
import { bearerKy } from '../../src/ky/index.js';
import { adapterServers, apiCalls } from './adapter-servers.js';

describe('rx-bearer/ky (bearerKy) with ky 1.9 over real HTTP', () => {
  const the = adapterServers();
  const client = (options: Parameters<typeof ky.create>[0] = {}) => ky.create({ prefixUrl: the.api.url, ...bearerKy(the.auth), ...options });

  it('after a revocation, 100 concurrent requests cause one refresh and all succeed', async () => {
    const api = client();
    await api.get('videos').json();
    the.api.revokeAll();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => api.get('videos').json()));
    expect(results.filter((result) => result.status === 'rejected').length).toBe(0);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
    expect(the.api.counts['POST /auth/api-key']).toBe(1);
  });

  it('sends no token to another origin, nor to the auth routes', async () => {
    const api = client({ prefixUrl: the.other.url });
    await api.get('videos', { throwHttpErrors: false });
    await ky.post(`${the.api.url}/auth/refresh`, { ...bearerKy(the.auth), json: {}, throwHttpErrors: false, retry: 0 });
    expect(the.other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
    expect(the.api.log.find((entry) => entry.path === '/auth/refresh')?.hadAuthorization).toBeFalse();
    expect(the.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it("a route that refuses a fresh token costs one refresh, even when ky's own retry covers 401", async () => {
    const api = client({ retry: { limit: 3, statusCodes: [401], delay: () => 1 } });
    await api.get('videos').json();
    the.api.fail('GET /videos', { status: 401, count: 100 });
    const error = await api.get('videos').json().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HTTPError);
    expect((error as HTTPError).response.status).toBe(401);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
    // 1 + (first send + one resend) + 3 ky retries, each one send: the resend is never multiplied.
    expect(the.api.counts['GET /videos']).toBe(6);
  });

  it('a JSON POST keeps its body and headers through the resend', async () => {
    const api = client();
    await api.get('videos').json();
    the.api.revokeAll();
    const video = await api.post('videos', { json: { title: 'kept' } }).json<{ title: string }>();
    expect(video.title).toBe('kept');
    expect(apiCalls(the.api).filter((call) => call.path === '/videos').map((call) => call.status)).toEqual([200, 401, 201]);
  });
});
