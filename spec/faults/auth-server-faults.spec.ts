import { firstValueFrom } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuth, type BearerAuthOptions } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer, type Fault } from '../../src/testing/index.js';
import { eventually } from '../helpers/http.js';
import { createLeakWatch, secretsOf } from '../helpers/leaks.js';

const API_KEY = 'fault-suite-api-key';
const tokenBody = (fields: Record<string, unknown>) => JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'x.y.z', refresh_token: 'r', ...fields });

// Every fault an auth server can throw at a client; each should be survived by retrying.
const faults: Array<[string, Fault, AuthError['reason']]> = [
  ['a 500', { status: 500 }, 'unavailable'],
  ['a 502', { status: 502 }, 'unavailable'],
  ['a 503', { status: 503 }, 'unavailable'],
  ['a 504', { status: 504 }, 'unavailable'],
  ['a 429 with Retry-After: 0', { status: 429, retryAfter: 0 }, 'rate-limited'],
  ['a 429 with Retry-After as a past HTTP date', { status: 429, retryAfter: new Date(0) }, 'rate-limited'],
  ['a connection reset mid-body', { reset: true }, 'unavailable'],
  ['an HTML page instead of JSON', { status: 200, body: '<!doctype html><h1>502 Bad Gateway</h1>' }, 'invalid-response'],
  ['truncated JSON', { status: 200, body: '{"token_type":"Bearer","expires_in":36' }, 'invalid-response'],
  ['a JSON array', { status: 200, body: '[]' }, 'invalid-response'],
  ['missing fields', { status: 200, body: '{"token_type":"Bearer"}' }, 'invalid-response'],
  ['a string expires_in', { status: 200, body: tokenBody({ expires_in: '3600' }) }, 'invalid-response'],
  ['expires_in 0', { status: 200, body: tokenBody({ expires_in: 0 }) }, 'invalid-response'],
  ['a negative expires_in', { status: 200, body: tokenBody({ expires_in: -60 }) }, 'invalid-response'],
  ['expires_in "NaN"', { status: 200, body: tokenBody({ expires_in: 'NaN' }) }, 'invalid-response'],
  ['expires_in 1e309 (Infinity once parsed)', { status: 200, body: tokenBody({ expires_in: 0 }).replace('"expires_in":0', '"expires_in":1e309') }, 'invalid-response'],
  ['expires_in whose milliseconds overflow', { status: 200, body: tokenBody({ expires_in: 1e307 }) }, 'invalid-response'],
  ['token_type MAC', { status: 200, body: tokenBody({ token_type: 'MAC' }) }, 'invalid-response'],
  ['an opaque access token and no expires_in', { status: 200, body: tokenBody({ expires_in: undefined, access_token: 'opaque' }) }, 'invalid-response'],
  ['a non-JSON 500 body', { status: 500, body: 'Internal Server Error' }, 'unavailable'],
];

describe('auth server faults (over HTTP)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth;
  let leaks: ReturnType<typeof createLeakWatch>;
  const make = (options: Partial<BearerAuthOptions> = {}) => {
    auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, retry: { initialDelay: 1, maxDelay: 1000 }, ...options });
    leaks.watch(auth.state$);
    leaks.add(auth);
    return auth;
  };
  const list = () => firstValueFrom(auth.json('/videos')).catch((error: unknown) => (leaks.add(error), Promise.reject(error)));

  beforeEach(async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY });
    leaks = createLeakWatch();
  });
  afterEach(async () => {
    auth?.dispose();
    leaks.add(server.log);
    expect(leaks.leaks(secretsOf(API_KEY, server.issuedRefreshTokens))).withContext('secrets found in errors or states').toEqual([]);
    await server.close();
  });

  for (const [label, fault, reason] of faults) {
    it(`login survives ${label} by retrying`, async () => {
      server.fail('POST /auth/api-key', fault);
      make();
      await expectAsync(list()).toBeResolved();
      expect(server.counts['POST /auth/api-key']).toBe(2);
    });

    it(`refresh survives ${label} (falling back to a login where the refresh token got spent)`, async () => {
      make();
      await list();
      server.revokeAll();
      server.fail('POST /auth/refresh', fault);
      await expectAsync(list()).toBeResolved();
      expect(server.counts['POST /auth/refresh']).toBe(2);
      expect(server.counts['POST /auth/api-key']).toBe(fault.reset ? 2 : 1); // a reset answer spent the refresh token
    });

    it(`reports ${label} that persists as AuthError '${reason}', then recovers on the next request`, async () => {
      server.fail('POST /auth/api-key', { ...fault, count: 3 });
      make({ retry: { maxAttempts: 3, initialDelay: 1 } });
      const error = await list().catch((caught: unknown) => caught);
      expect(error).toEqual(jasmine.any(AuthError));
      expect(error).toEqual(jasmine.objectContaining({ reason }));
      expect(leaks.count).toBeGreaterThan(0);
      await expectAsync(list()).toBeResolved();
    });
  }

  it('accepts an access token that is not a JWT when expires_in says how long it lives', async () => {
    server.fail('POST /auth/api-key', { status: 200, body: tokenBody({ access_token: 'opaque-access-token' }) });
    make();
    const tokens: Array<string | null> = [];
    auth.token$.subscribe((token) => tokens.push(token));
    await list(); // our server does not know that token: a 401, one refresh... which the server refuses ('r' is not its), so a login
    expect(tokens).toContain('opaque-access-token');
    expect(server.counts['POST /auth/api-key']).toBe(2);
  });

  it('waits for a slow answer without retrying', async () => {
    server.fail('POST /auth/api-key', { delay: 300 });
    make();
    await expectAsync(list()).toBeResolved();
    expect(server.counts['POST /auth/api-key']).toBe(1);
  });

  it('aborts an answer that never comes after requestTimeout, and retries', async () => {
    server.fail('POST /auth/api-key', { hang: true });
    make({ requestTimeout: 200 });
    await expectAsync(list()).toBeResolved();
    expect(server.counts['POST /auth/api-key']).toBe(2);
    expect(await eventually(() => server.aborted === 1)).toBeTrue();
  });

  it('does not retry a rejected API key; a request within a second is told at once, and the next one after it tries again', async () => {
    server.rejectApiKey();
    make();
    await expectAsync(list()).toBeRejectedWith(jasmine.objectContaining({ reason: 'rejected', status: 400 }));
    expect(server.counts['POST /auth/api-key']).toBe(1);
    server.rejectApiKey(false);
    await expectAsync(list()).toBeRejectedWith(jasmine.objectContaining({ reason: 'rejected' }));
    expect(server.counts['POST /auth/api-key']).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await expectAsync(list()).toBeResolved();
    expect(server.counts['POST /auth/api-key']).toBe(2);
  });

  it('reports an unreachable server (connection refused) as unavailable', async () => {
    const closed = server.url;
    await server.close();
    server = await createApiVideoTestServer({ apiKey: API_KEY });
    make({ baseUrl: closed, retry: { maxAttempts: 2, initialDelay: 1 } });
    await expectAsync(list()).toBeRejectedWith(jasmine.objectContaining({ reason: 'unavailable', cause: jasmine.objectContaining({ code: 'ERR_NETWORK' }) }));
  });
});
