import { jwtDecode } from 'jwt-decode';
import type { TokenResponse } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';
import { eventually } from '../helpers/http.js';

describe('createApiVideoTestServer (the server contract)', () => {
  let server: ApiVideoTestServer;
  const post = (path: string, body: unknown) =>
    fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const login = async (apiKey = 'test-api-key') => (await post('/auth/api-key', { apiKey })).json() as Promise<TokenResponse>;
  const videos = (token?: string) => fetch(`${server.url}/videos`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  beforeEach(async () => {
    server = await createApiVideoTestServer({ ttl: 1.5 });
  });
  afterEach(() => server.close());

  it('listens on 127.0.0.1 with an ephemeral port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('POST /auth/api-key returns a Bearer HS256 JWT living ttl seconds (fractions allowed) and a refresh token', async () => {
    const body = await login();
    expect(body).toEqual({ token_type: 'Bearer', expires_in: 1.5, access_token: jasmine.any(String), refresh_token: jasmine.any(String) });
    const header = jwtDecode<{ alg: string }>(body.access_token, { header: true });
    const claims = jwtDecode<{ iat: number; exp: number }>(body.access_token);
    expect(header.alg).toBe('HS256');
    expect(claims.exp - claims.iat).toBeCloseTo(1.5, 6);
    expect(server.issued.has(body.access_token)).toBeTrue();
  });

  /** api.video's OpenAPI description: the one error both auth routes document. */
  const invalidCredentials = (status: number) => ({
    type: 'https://docs.api.video/reference/authentication-invalid-user-credentials',
    title: 'The user credentials were incorrect.',
    name: '',
    status,
  });

  it("refuses a wrong API key, or every key after rejectApiKey(), with api.video's documented 400", async () => {
    const wrong = await post('/auth/api-key', { apiKey: 'nope' });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual(invalidCredentials(400));
    server.rejectApiKey();
    const refused = await post('/auth/api-key', { apiKey: 'test-api-key' });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual(invalidCredentials(400));
    server.rejectApiKey(false);
    expect((await post('/auth/api-key', { apiKey: 'test-api-key' })).status).toBe(200);
  });

  it('refuses with another status when told to (rejectionStatus, as an option or set later), on both auth routes', async () => {
    const other = await createApiVideoTestServer({ rejectionStatus: 401 });
    try {
      const refused = await fetch(`${other.url}/auth/api-key`, { method: 'POST', body: JSON.stringify({ apiKey: 'nope' }) });
      expect([refused.status, await refused.json()]).toEqual([401, invalidCredentials(401)]);
      other.rejectionStatus = 403;
      const spent = await fetch(`${other.url}/auth/refresh`, { method: 'POST', body: JSON.stringify({ refreshToken: 'made-up' }) });
      expect([spent.status, await spent.json()]).toEqual([403, invalidCredentials(403)]);
    } finally {
      await other.close();
    }
    for (const status of [0, 99, 600, 400.5, '400', Number.NaN]) {
      await expectAsync(createApiVideoTestServer({ rejectionStatus: status as number })).withContext(String(status)).toBeRejectedWithError(TypeError, /"rejectionStatus" option/);
      expect(() => (server.rejectionStatus = status as number)).withContext(String(status)).toThrowError(TypeError, /"rejectionStatus" option/);
    }
    expect(server.rejectionStatus).toBe(400);
  });

  it('answers an auth call without its attribute as a string with 400 "This attribute is required." naming it, in problems[] too', async () => {
    for (const [path, name, body] of [
      ['/auth/api-key', 'apiKey', {}],
      ['/auth/api-key', 'apiKey', { apiKey: 42 }],
      ['/auth/refresh', 'refreshToken', { refreshToken: null }],
    ] as const) {
      const response = await post(path, body);
      const problem = { type: 'https://docs.api.video/reference/attribute-required', title: 'This attribute is required.', name };
      expect([response.status, await response.json()]).withContext(`${path} ${JSON.stringify(body)}`).toEqual([400, { ...problem, status: 400, problems: [problem] }]);
    }
  });

  it('sends X-RateLimit-Limit, -Remaining and -Retry-After on every answer: 200, 400, 401 and 404 alike', async () => {
    const { access_token: token } = await login();
    const answers = [await post('/auth/api-key', { apiKey: 'nope' }), await videos(), await videos(token), await fetch(`${server.url}/nowhere`)];
    expect(answers.map((answer) => answer.status)).toEqual([400, 401, 200, 404]);
    const remaining = answers.map((answer) => Number(answer.headers.get('x-ratelimit-remaining')));
    expect(remaining).toEqual([999_998, 999_997, 999_996, 999_995]); // the login above was the first of the window
    for (const answer of answers) {
      expect(answer.headers.get('x-ratelimit-limit')).toBe('1000000');
      expect(Number(answer.headers.get('x-ratelimit-retry-after'))).toBeGreaterThan(0);
      expect(Number(answer.headers.get('x-ratelimit-retry-after'))).toBeLessThanOrEqual(60);
    }
  });

  it('answers a request over the rate limit with 429 "Too many requests." and only the X-RateLimit headers (no Retry-After); reset() opens a new window', async () => {
    const limited = await createApiVideoTestServer({ rateLimit: { limit: 2, window: 30 } });
    try {
      const call = () => fetch(`${limited.url}/auth/api-key`, { method: 'POST', body: JSON.stringify({ apiKey: 'test-api-key' }) });
      const statuses = [(await call()).status, (await call()).status];
      const over = await call();
      expect([...statuses, over.status]).toEqual([200, 200, 429]);
      expect(await over.json()).toEqual({ type: 'https://docs.api.video/reference/too-many-requests', title: 'Too many requests.', status: 429 });
      expect(over.headers.get('retry-after')).toBeNull();
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(over.headers.get('x-ratelimit-retry-after'))).toBeGreaterThan(0);
      expect(Number(over.headers.get('x-ratelimit-retry-after'))).toBeLessThanOrEqual(30);
      limited.reset();
      expect((await call()).status).toBe(200);
    } finally {
      await limited.close();
    }
    for (const rateLimit of [{ limit: -1 }, { limit: 1.5 }, { window: 0 }, { window: Infinity }]) {
      await expectAsync(createApiVideoTestServer({ rateLimit })).withContext(JSON.stringify(rateLimit)).toBeRejectedWithError(TypeError, /"rateLimit\.(limit|window)" option/);
    }
  });

  it('lets a page on another origin read the rate-limit headers (cors: true exposes them)', async () => {
    const open = await createApiVideoTestServer({ cors: true });
    try {
      const exposed = (await fetch(`${open.url}/videos`)).headers.get('access-control-expose-headers') ?? '';
      expect(exposed.split(/,\s*/)).toEqual(jasmine.arrayContaining(['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-retry-after', 'retry-after']));
    } finally {
      await open.close();
    }
  });

  it('sends an injected fault with only the headers it names (a proxy or load balancer answering), outside the rate-limit window', async () => {
    server.fail('POST /auth/api-key', { status: 503 });
    const fault = await post('/auth/api-key', { apiKey: 'test-api-key' });
    expect(fault.status).toBe(503);
    expect(fault.headers.get('x-ratelimit-retry-after')).toBeNull();
    expect((await post('/auth/api-key', { apiKey: 'test-api-key' })).headers.get('x-ratelimit-remaining')).toBe('999999');
  });

  it('accepts several API keys when given a list', async () => {
    const multi = await createApiVideoTestServer({ apiKey: ['one', 'two'] });
    try {
      const statuses = await Promise.all(['one', 'two', 'three'].map(async (apiKey) => (await fetch(`${multi.url}/auth/api-key`, { method: 'POST', body: JSON.stringify({ apiKey }) })).status));
      expect(statuses).toEqual([200, 200, 400]);
    } finally {
      await multi.close();
    }
  });

  it('POST /auth/refresh trades a refresh token once: a second use is refused with 400', async () => {
    const { refresh_token: refreshToken } = await login();
    const first = await post('/auth/refresh', { refreshToken });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual(jasmine.objectContaining({ token_type: 'Bearer', refresh_token: jasmine.any(String) }));
    expect((await post('/auth/refresh', { refreshToken })).status).toBe(400);
    expect((await post('/auth/refresh', { refreshToken: 'made-up' })).status).toBe(400);
  });

  it('protects /videos: 401 without a valid token, 200 with one, 401 after revokeAll(), 404 elsewhere', async () => {
    const { access_token: token, refresh_token: refreshToken } = await login();
    expect((await videos()).status).toBe(401);
    expect((await videos('not.a.jwt')).status).toBe(401);
    expect((await videos(token)).status).toBe(200);
    expect((await fetch(`${server.url}/nowhere`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    // A route that does not exist is a 404 with no token too (a baseUrl ending in /v1 must not read as a rejected key).
    const unknown = await post('/v1/auth/api-key', { apiKey: 'test-api-key' });
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      {
        type: 'https://docs.api.video/reference/unrecognized-request-url',
        title: 'Unrecognized request URL.',
        status: 404,
        detail: "No such route: POST /v1/auth/api-key; the auth routes are POST /auth/api-key and POST /auth/refresh at the API's root",
      },
    ]);
    expect(await (await fetch(`${server.url}/elsewhere`)).json()).toEqual({ type: 'https://docs.api.video/reference/unrecognized-request-url', title: 'Unrecognized request URL.', status: 404 });
    server.revokeAll();
    expect((await videos(token)).status).toBe(401);
    expect((await post('/auth/refresh', { refreshToken })).status).withContext('refresh tokens survive a plain revokeAll').toBe(200);
    expect(server.unauthorized).toBe(3);
  });

  it('revokeAll({ refreshTokens: true }) invalidates refresh tokens too', async () => {
    const { refresh_token: refreshToken } = await login();
    server.revokeAll({ refreshTokens: true });
    expect((await post('/auth/refresh', { refreshToken })).status).toBe(400);
  });

  it('issues tokens that expire after ttl (ttl 0: at once)', async () => {
    server.ttl = 0;
    const { access_token: token } = await login();
    expect((await videos(token)).status).toBe(401);
  });

  it('POST /videos echoes the created video', async () => {
    const { access_token: token } = await login();
    const created = await fetch(`${server.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title: 'hello' }) });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ videoId: jasmine.stringMatching(/^vi/), title: 'hello' });
  });

  it('GET /videos lists the videos created, oldest first, in pages as api.video does', async () => {
    const { access_token: token } = await login();
    const list = async (query = '') => (await fetch(`${server.url}/videos${query}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(await list()).toEqual({ data: [], pagination: jasmine.objectContaining({ currentPage: 1, pageSize: 25, pagesTotal: 1, itemsTotal: 0, currentPageItems: 0 }) });

    const created = [];
    for (const title of ['one', 'two', 'three']) {
      const answer = await fetch(`${server.url}/videos`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: JSON.stringify({ title }) });
      created.push(await answer.json());
    }
    expect((await list()).data).toEqual(created);

    const second = await list('?currentPage=2&pageSize=2');
    expect(second.data.map((video: { title: string }) => video.title)).toEqual(['three']);
    expect(second.pagination).toEqual({
      currentPage: 2, currentPageItems: 1, pageSize: 2, pagesTotal: 2, itemsTotal: 3,
      links: [
        { rel: 'self', uri: '/videos?currentPage=2&pageSize=2' },
        { rel: 'first', uri: '/videos?currentPage=1&pageSize=2' },
        { rel: 'previous', uri: '/videos?currentPage=1&pageSize=2' },
        { rel: 'last', uri: '/videos?currentPage=2&pageSize=2' },
      ],
    });
  });

  it('injects status faults per route, count times, with Retry-After (seconds or date), raw bodies and headers', async () => {
    server.fail('POST /auth/api-key', { status: 503, count: 2 });
    server.fail('POST /auth/api-key', { status: 429, retryAfter: 7 });
    server.fail('POST /auth/api-key', { status: 429, retryAfter: new Date(Date.UTC(2030, 0, 1)) });
    server.fail('POST /auth/api-key', { status: 200, body: '<html>oops</html>', headers: { 'x-test': 'yes' } });
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await post('/auth/api-key', { apiKey: 'test-api-key' }));
    expect(answers.map((answer) => answer.status)).toEqual([503, 503, 429, 429, 200, 200]);
    expect(answers[2]!.headers.get('retry-after')).toBe('7');
    expect(answers[3]!.headers.get('retry-after')).toBe('Tue, 01 Jan 2030 00:00:00 GMT');
    expect(await answers[4]!.text()).toBe('<html>oops</html>');
    expect(answers[4]!.headers.get('x-test')).toBe('yes');
    expect((await answers[5]!.json()).token_type).toBe('Bearer');
  });

  it('delays answers', async () => {
    server.fail('GET /videos', { delay: 150 });
    const started = performance.now();
    await videos();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('holds answers until a promise settles', async () => {
    let release = () => {};
    server.fail('GET /videos', { until: new Promise<void>((resolve) => (release = resolve)), count: 2 });
    let answered = 0;
    const both = Promise.all([videos(), videos()].map((request) => request.then(() => answered++)));
    expect(await eventually(() => server.counts['GET /videos'] === 2)).toBeTrue();
    expect(answered).toBe(0);
    release();
    await both;
    expect(answered).toBe(2);
  });

  it('resets a connection mid-body', async () => {
    server.fail('POST /auth/api-key', { reset: true });
    const response = await post('/auth/api-key', { apiKey: 'test-api-key' });
    await expectAsync(response.text()).toBeRejected();
  });

  it('can hang until the client gives up, and counts the abandoned request', async () => {
    server.fail('GET /videos', { hang: true });
    await expectAsync(fetch(`${server.url}/videos`, { signal: AbortSignal.timeout(100) })).toBeRejected();
    expect(await eventually(() => server.aborted === 1)).toBeTrue();
  });

  it('counts requests per route and logs them with secrets redacted', async () => {
    const { access_token: token, refresh_token: refreshToken } = await login();
    await post('/auth/refresh', { refreshToken });
    await videos(token);
    expect(server.counts).toEqual({ 'POST /auth/api-key': 1, 'POST /auth/refresh': 1, 'GET /videos': 1 });
    expect(server.log.map(({ method, path, status }) => `${method} ${path} ${status}`)).toEqual(['POST /auth/api-key 200', 'POST /auth/refresh 200', 'GET /videos 200']);
    expect(server.log[0]!.body).toEqual({ apiKey: '[redacted]' });
    expect(server.log[1]!.body).toEqual({ refreshToken: '[redacted]' });
    expect(server.log[2]).toEqual(jasmine.objectContaining({ token, hadAuthorization: true }));
    expect(JSON.stringify(server.log)).not.toContain(refreshToken);
    server.reset();
    expect(server.counts).toEqual({});
    expect(server.log).toEqual([]);
  });

  it('shifts iat/exp by clockSkew without changing validity', async () => {
    const skewed = await createApiVideoTestServer({ clockSkew: -3 * 3600_000 });
    try {
      const body = (await (await fetch(`${skewed.url}/auth/api-key`, { method: 'POST', body: JSON.stringify({ apiKey: 'test-api-key' }) })).json()) as { access_token: string };
      const { iat } = jwtDecode<{ iat: number }>(body.access_token);
      expect(Date.now() / 1000 - iat).toBeGreaterThan(3 * 3600 - 60);
      const list = await fetch(`${skewed.url}/videos`, { headers: { authorization: `Bearer ${body.access_token}` } });
      expect(list.status).toBe(200);
    } finally {
      await skewed.close();
    }
  });

  it('answers CORS preflights and allows any origin when asked', async () => {
    const open = await createApiVideoTestServer({ cors: true });
    try {
      const preflight = await fetch(`${open.url}/videos`, { method: 'OPTIONS', headers: { origin: 'http://page.test', 'access-control-request-headers': 'authorization' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      expect((await fetch(`${open.url}/videos`)).headers.get('access-control-allow-origin')).toBe('*');
      expect((await videos()).headers.get('access-control-allow-origin')).withContext('off by default').toBeNull();
    } finally {
      await open.close();
    }
  });

  it('refuses connections after close()', async () => {
    const { url } = server;
    await server.close();
    await expectAsync(fetch(`${url}/videos`)).toBeRejected();
    server = await createApiVideoTestServer(); // for afterEach
  });
});
