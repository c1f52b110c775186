import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { createTokenHandler } from '../../src/server/index.js';
import { useTokenEndpoint } from './token-handler.helpers.js';

/** A clock the spec moves by hand: the politeness floor without waiting. */
const clock = { now: 1_000_000 };
const manualClock: SchedulerLike = Object.create(asyncScheduler, { now: { value: () => clock.now } }) as SchedulerLike;

describe('rx-bearer/server createTokenHandler (over HTTP, mounted with @whatwg-node/server)', () => {
  const { env, ask, everything } = useTokenEndpoint({ scheduler: manualClock });

  const expectNoSecret = () => {
    const seen = everything();
    expect(seen).not.toContain('test-api-key');
    for (const refreshToken of env.api.issuedRefreshTokens) expect(seen).not.toContain(refreshToken);
  };

  it('answers a JSON POST with a working bearer token, its lifetime, no-store, and neither the key nor a refresh token', async () => {
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.json).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(answer.json['token_type']).toBe('Bearer');
    expect(answer.json['expires_in']).toBeGreaterThan(3500);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('vary')).withContext('no origin listed: the answer does not depend on Origin').toBeNull();
    const videos = await fetch(`${env.api.url}/videos`, { headers: { authorization: `Bearer ${answer.json['access_token'] as string}` } });
    expect(videos.status).toBe(200);
    expectNoSecret();
  });

  it('refuses a caller authorize() turns down with a problem JSON 401 or 403, and makes no auth call', async () => {
    env.allow = false;
    const refused = await ask();
    env.allow = 403;
    const forbidden = await ask();
    expect([refused.status, forbidden.status]).toEqual([401, 403]);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401 });
    expect(forbidden.json['status']).toBe(403);
    expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('refuses (500) when authorize() throws, without a stack and without an auth call', async () => {
    const handler = createTokenHandler({
      apiKey: 'test-api-key',
      baseUrl: env.api.url,
      authorize: () => {
        throw new Error('session store at redis://secret-host is down');
      },
    });
    try {
      const response = await handler(new Request('http://app.example/api/video-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      expect(response.status).toBe(500);
      expect(await response.text()).not.toContain('secret-host');
      expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
    } finally {
      handler.dispose(); // also when the handler throws: its BearerAuth would outlive the spec
    }
  });

  it('requires authorize: no default lets everyone in', () => {
    expect(() => createTokenHandler({ apiKey: 'test-api-key' } as never)).toThrowMatching((error) => error instanceof TypeError && /"authorize"/.test(error.message));
  });

  it('answers GET and other methods with 405 and Allow: POST', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await fetch(env.url, { method });
      expect(response.status).withContext(method).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
    expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('refuses what a cross-site form could send (form-encoded, multipart, text/plain) and a cross-site fetch, before authorize()', async () => {
    for (const contentType of ['application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/plain']) {
      const answer = await ask(undefined, { body: 'a=1', headers: { 'content-type': contentType } });
      expect(answer.status).withContext(contentType).toBe(415);
    }
    const crossSite = await ask({}, { headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' } });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('access-control-allow-origin')).toBeNull();
    expect(env.authorized).toBe(0);
    expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('serves 100 concurrent browser calls with exactly one login, all with the same token', async () => {
    const answers = await Promise.all(Array.from({ length: 100 }, () => ask()));
    expect(answers.every((answer) => answer.status === 200)).toBeTrue();
    expect(new Set(answers.map((answer) => answer.json['access_token'])).size).toBe(1);
    expect(env.api.counts['POST /auth/api-key']).toBe(1);
    expect(env.api.counts['POST /auth/refresh']).toBeUndefined();
    expectNoSecret();
  });

  it('turns a revoked token reported by 50 browsers at once into exactly one refresh, and hands all of them the new token', async () => {
    const first = (await ask()).json['access_token'] as string;
    env.api.revokeAll();
    const answers = await Promise.all(Array.from({ length: 50 }, () => ask({ refused: first })));
    const tokens = new Set(answers.map((answer) => answer.json['access_token']));
    expect(tokens.size).toBe(1);
    expect(tokens.has(first)).toBeFalse();
    expect(env.api.counts['POST /auth/refresh']).toBe(1);
    const videos = await fetch(`${env.api.url}/videos`, { headers: { authorization: `Bearer ${[...tokens][0] as string}` } });
    expect(videos.status).toBe(200);
    expectNoSecret();
  });

  it('hands out the newer token, without refreshing, to a browser reporting a stale one', async () => {
    const first = (await ask()).json['access_token'] as string;
    clock.now += 5000;
    const second = (await ask({ refused: first })).json['access_token'] as string;
    expect(env.api.counts['POST /auth/refresh']).toBe(1);
    const late = await ask({ refused: first });
    expect(late.json['access_token']).toBe(second);
    expect(env.api.counts['POST /auth/refresh']).toBe(1);
  });

  it('cannot be made to refresh at will: reports of the current token spend the one auth budget (a burst of 3, then one a second)', async () => {
    let current = (await ask()).json['access_token'] as string;
    clock.now += 5000; // the login's share of the budget is back
    for (let n = 1; n <= 3; n++) {
      const next = (await ask({ refused: current })).json['access_token'] as string;
      expect(next).withContext(`report ${n}`).not.toBe(current);
      current = next;
    }
    expect(env.api.counts['POST /auth/refresh']).toBe(3);
    // The burst is spent: the next report waits for the budget, and nothing is sent meanwhile.
    const waiting = ask({ refused: current });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(env.api.counts['POST /auth/refresh']).toBe(3);
    clock.now += 1000;
    expect((await waiting).json['access_token']).not.toBe(current);
    expect(env.api.counts['POST /auth/refresh']).toBe(4);
  });

  it('maps api.video being down to a 503 problem JSON, with no stack and no secret', async () => {
    env.api.fail('POST /auth/api-key', { status: 503, body: 'upstream trace: key=test-api-key at line 12' });
    const answer = await ask();
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ type: 'about:blank', title: 'The token service is unavailable', status: 503 });
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expectNoSecret();
    // A rejected key is the server's problem, and looks the same to the browser.
    env.api.rejectApiKey();
    expect((await ask()).status).toBe(503);
  });

  it('passes on a Retry-After from api.video to the browser', async () => {
    env.api.fail('POST /auth/api-key', { status: 429, retryAfter: 30 });
    const answer = await ask();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('30');
  });

  it('refuses a body that is not a JSON object, or too large', async () => {
    expect((await ask(undefined, { body: '{"refused":', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await ask([1, 2])).status).toBe(400);
    expect((await ask({ refused: 'x'.repeat(10_000) })).status).toBe(413);
    expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
  });
});

describe('rx-bearer/server createTokenHandler with corsOrigins', () => {
  const { env, ask } = useTokenEndpoint({ corsOrigins: ['https://app.example'] });

  it('answers the preflight of a listed origin only, with credentials, and sends no CORS header to others', async () => {
    const preflight = (origin: string) =>
      fetch(env.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const listed = await preflight('https://app.example');
    expect(listed.status).toBe(204);
    expect(listed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(listed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example');
    expect(other.status).toBe(405);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  /** A browser's credentialed POST from `origin`, as Chromium labels it (Sec-Fetch-Site). */
  const from = (origin: string, site: 'cross-site' | 'same-site' | 'same-origin', init: RequestInit = {}) =>
    ask({}, { ...init, headers: { 'content-type': 'application/json', origin, 'sec-fetch-site': site, ...(init.headers as Record<string, string>) } });

  it('hands a listed origin its token with that exact origin echoed and Allow-Credentials, never *', async () => {
    const answer = await from('https://app.example', 'cross-site');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');
    expect(answer.headers.get('vary')).toBe('Origin');
    expect(env.authorized).toBe(1);
  });

  it('refuses another origin of another site or of the same site (a sibling subdomain, another port) with 403 before authorize(), with no CORS grant', async () => {
    for (const [origin, site] of [
      ['https://evil.example', 'cross-site'],
      ['https://blog.app.example', 'same-site'],
      ['https://app.example:8443', 'same-site'],
      ['null', 'cross-site'], // a sandboxed iframe or a file: page
      ['https://APP.example', 'cross-site'], // origins are compared exactly, as the browser serializes them
    ] as const) {
      const answer = await from(origin, site);
      expect(answer.status).withContext(origin).toBe(403);
      expect(answer.json['title']).toBe('Cross-origin requests are refused unless their origin is in corsOrigins');
      expect(answer.headers.get('access-control-allow-origin')).withContext(origin).toBeNull();
      expect(answer.headers.get('access-control-allow-credentials')).withContext(origin).toBeNull();
    }
    expect(env.authorized).toBe(0);
    expect(env.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('sends Vary: Origin on every answer once an origin is listed, refusals and preflights included', async () => {
    const answers = [
      await from('https://app.example', 'cross-site'),
      await from('https://evil.example', 'cross-site'),
      await ask(undefined, { body: 'a=1', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' } }),
      await ask(undefined, { method: 'GET', body: null }),
      await ask(),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 403, 415, 405, 200]);
    expect(answers.map((answer) => answer.headers.get('vary'))).toEqual(new Array(5).fill('Origin'));
    const preflight = await fetch(env.url, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toBe('POST');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    expect(preflight.headers.get('vary')).toBe('Origin');
  });

  it('rejects corsOrigins entries that are not origins', () => {
    for (const corsOrigins of [['*'], ['null'], ['https://app.example/path'], 'https://app.example']) {
      expect(() => createTokenHandler({ apiKey: 'k', authorize: () => true, corsOrigins: corsOrigins as never })).toThrowError(TypeError, /"corsOrigins"/);
    }
  });
});
