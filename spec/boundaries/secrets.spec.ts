import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type AuthState, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/api-video-test-server.js';
import { settleAll } from '../helpers/http.js';
import { leakedSecrets, secretsOf } from '../helpers/leaks.js';

const API_KEY = 'test-api-key';
/** The auth budget's sustained rate is one cycle a second: a second later the next one may start. */
const budgetRefilled = () => new Promise((resolve) => setTimeout(resolve, 1000));

describe('secrets (API key, refresh tokens)', () => {
  let server: ApiVideoTestServer;
  const refreshTokens: string[] = [];
  const seen: unknown[] = [];

  /** A fetch that notes every refresh token the server hands out, so the scan knows what to look for. */
  const recordingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).includes('/auth/') && response.ok) {
      const body = (await response.clone().json()) as { refresh_token?: string };
      if (body.refresh_token) refreshTokens.push(body.refresh_token);
    }
    return response;
  };

  const clients: BearerAuth[] = [];
  const track = (auth: BearerAuth) => {
    clients.push(auth);
    auth.state$.subscribe((state: AuthState) => seen.push(state, state.error));
    return auth;
  };

  beforeEach(async () => {
    server = await createApiVideoTestServer({ ttl: 3600 });
  });
  afterEach(async () => {
    // Also when a step failed before the spec's own dispose(): a client left running would outlive the run.
    clients.splice(0).forEach((auth) => auth.dispose());
    await server.close();
  });

  it('never appear in errors, states, logs of the server or printed objects, across failures', async () => {
    const auth = track(createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, fetch: recordingFetch, retry: { maxAttempts: 2, initialDelay: 1 } }));
    await firstValueFrom(auth.json('/videos'));
    await firstValueFrom(auth.refresh());
    server.revokeAll();
    await settleAll([auth.json('/videos'), auth.json('/videos')]);
    // Each step below needs an auth cycle; the auth budget gives a burst of 3, then one a second.
    await budgetRefilled();
    server.revokeAll({ refreshTokens: true });
    await firstValueFrom(auth.json('/videos'));
    await budgetRefilled();
    server.fail('POST /auth/refresh', { status: 503, count: 2 });
    seen.push(...(await settleAll([auth.refresh(), auth.json('/nowhere')])).reasons);
    await budgetRefilled();
    server.fail('POST /auth/refresh', { status: 400 });
    server.fail('POST /auth/api-key', { status: 401 });
    seen.push(...(await settleAll([auth.refresh()])).reasons);
    seen.push(auth, auth.token$, auth.state$, server.log);
    auth.dispose();
    seen.push(...(await settleAll([auth.json('/videos')])).reasons);

    const wrong = track(createBearerAuth({ apiKey: 'wrong-key-value', baseUrl: server.url }));
    seen.push(...(await settleAll([wrong.json('/videos')])).reasons, wrong);
    wrong.dispose();

    expect(refreshTokens.length).toBeGreaterThanOrEqual(4);
    expect(seen.filter((item) => item instanceof Error).length).toBeGreaterThanOrEqual(4);
    // Report which secret leaked, not the secret itself.
    const secrets = { ...secretsOf(API_KEY, refreshTokens), 'the wrong API key': 'wrong-key-value' };
    expect(leakedSecrets(seen, secrets, { depth: Infinity })).withContext('secrets found in what a user can print').toEqual([]);
  });
});
