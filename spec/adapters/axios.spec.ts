import axios, { AxiosError } from 'axios';
import { useBearer } from '../../src/axios/index.js';
import { adapterServers, apiCalls } from './adapter-servers.js';

describe('rx-bearer/axios (useBearer) with axios 1.21 over real HTTP', () => {
  const the = adapterServers();
  const instance = (baseURL = the.api.url) => {
    const created = axios.create({ baseURL });
    useBearer(created, the.auth);
    return created;
  };

  it('after a revocation, 100 concurrent requests cause one refresh and all succeed', async () => {
    const api = instance();
    await api.get('/videos');
    the.api.revokeAll();
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => api.get('/videos')));
    expect(results.filter((result) => result.status === 'rejected').length).toBe(0);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
    expect(the.api.counts['POST /auth/api-key']).toBe(1);
  });

  it('sends no token to another origin (absolute URL or baseURL), nor to the auth routes, and logs in for none of them', async () => {
    const api = instance();
    await api.get(`${the.other.url}/videos`, { validateStatus: () => true });
    await instance(the.other.url).get('/videos', { validateStatus: () => true });
    await api.post('/auth/refresh', {}, { validateStatus: () => true });
    expect(the.other.log.map((entry) => entry.hadAuthorization)).toEqual([false, false]);
    expect(the.api.log.find((entry) => entry.path === '/auth/refresh')?.hadAuthorization).toBeFalse();
    expect(the.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('a route that refuses a fresh token: the caller gets the AxiosError 401 after one refresh and one resend', async () => {
    const api = instance();
    await api.get('/videos');
    the.api.fail('GET /videos', { status: 401, count: 100 });
    const error = await api.get('/videos').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AxiosError);
    expect((error as AxiosError).response?.status).toBe(401);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
    expect(the.api.counts['GET /videos']).toBe(3);
    // The route's verdict is kept: the next 401 there costs no refresh.
    await api.get('/videos').catch(() => undefined);
    expect(the.api.counts['POST /auth/refresh']).toBe(1);
  });

  it('response interceptors see one answer per request, the final one; a JSON POST keeps its body through the resend', async () => {
    const api = instance();
    const seen: number[] = [];
    api.interceptors.response.use((response) => (seen.push(response.status), response));
    await api.get('/videos');
    the.api.revokeAll();
    const { data } = await api.post<{ title: string }>('/videos', { title: 'kept' });
    expect(data.title).toBe('kept');
    expect(seen).toEqual([200, 201]);
    expect(apiCalls(the.api).map((call) => call.status)).toEqual([200, 401, 201]);
  });

  it('asks the scope at dispatch: an interceptor that runs after it and moves the request to another origin sends no token there', async () => {
    const api = axios.create({ baseURL: the.api.url });
    // Registered first, so axios runs it after useBearer's interceptor.
    api.interceptors.request.use((config) => Object.assign(config, { baseURL: the.other.url }));
    useBearer(api, the.auth);
    expect((await api.get('/videos', { validateStatus: () => true })).status).toBe(401); // the other server's answer to no token
    expect(the.other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
    expect(the.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('ejecting the interceptor stops attaching the token', async () => {
    const api = axios.create({ baseURL: the.api.url, validateStatus: () => true });
    useBearer(api, the.auth)();
    expect((await api.get('/videos')).status).toBe(401);
    expect(the.api.log[0]?.hadAuthorization).toBeFalse();
  });
});
