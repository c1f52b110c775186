import { firstValueFrom, throwError } from 'rxjs';
import { AuthError, createBearerAuth, HttpError, type BearerAuth, type BearerAuthOptions } from '../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/api-video-test-server.js';

/** Messages of a failed login that say what to do, over real HTTP on 127.0.0.1 (issue #24). */
describe('auth-cycle: the message of a login that failed for good', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth | undefined;
  const make = (options: Partial<BearerAuthOptions>) => (auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, ...options }));
  const failure = async (client: BearerAuth) => {
    const error = await firstValueFrom(client.refresh()).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  };

  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await server.close();
  });

  /** A port on 127.0.0.1 where nothing listens any more. */
  const refusedUrl = async () => {
    const gone = await createApiVideoTestServer();
    await gone.close();
    return gone.url;
  };

  it('names the system error code of a refused connection, and says "after N attempts" only when it retried', async () => {
    const url = await refusedUrl();
    const once = await failure(make({ baseUrl: url, retry: { maxAttempts: 1 } }));
    expect(once.message).toBe(`Authentication failed: Network error calling ${url}/auth/api-key (ECONNREFUSED)`);
    auth!.dispose();
    const thrice = await failure(make({ baseUrl: url, retry: { maxAttempts: 3, initialDelay: 1 } }));
    expect(thrice.message).toBe(`Authentication failed after 3 attempts: Network error calling ${url}/auth/api-key (ECONNREFUSED)`);
    expect(thrice.reason).toBe('unavailable');
  });

  it('a 5xx retried names the attempts, with no system code to name', async () => {
    server.fail('POST /auth/api-key', { status: 503, count: 2 });
    const error = await failure(make({ retry: { maxAttempts: 2, initialDelay: 1 } }));
    expect(error.message).toMatch(/^Authentication failed after 2 attempts: HTTP 503 /);
    expect(server.counts['POST /auth/api-key']).toBe(2);
  });

  it('a baseUrl ending in /v1: the test server answers 404, and the message says the route is not there (not "rejected", not "after retries")', async () => {
    const error = await failure(make({ baseUrl: `${server.url}/v1`, retry: { maxAttempts: 5, initialDelay: 1 } }));
    expect(error.status).toBe(404);
    expect(error.reason).toBe('unavailable');
    expect(error.message).toBe(`No auth route at ${server.url}/v1/auth/api-key (HTTP 404): check baseUrl, the root of the API (e.g. https://ws.api.video)`);
    expect((error.cause as HttpError).body).toEqual(jasmine.objectContaining({ status: 404, title: 'Unrecognized request URL.', detail: jasmine.stringMatching(/No such route: POST \/v1\/auth\/api-key/) }));
    expect(server.counts['POST /v1/auth/api-key']).toBe(1); // a 404 is not retried
    expect(error.message).not.toContain('test-api-key');
  });

  it("with tokenUrl, a 404 from the app's token endpoint says to check tokenUrl, not baseUrl", async () => {
    server.fail('POST /api/token', { status: 404 });
    const error = await failure(make({ apiKey: undefined, tokenUrl: `${server.url}/api/token`, retry: { maxAttempts: 3, initialDelay: 1 } }));
    expect(error.message).toBe(`No auth route at ${server.url}/api/token (HTTP 404): check tokenUrl`);
    expect(server.counts['POST /api/token']).toBe(1);
  });

  it("a custom transport's or a source's 404 names no option (neither made that URL), and a URL that is not a string is not printed", async () => {
    const bare = await failure(make({ transport: { login: () => throwError(() => ({ status: 404, url: { toString: () => 'x' } })), refresh: () => throwError(() => ({ status: 404 })) } }));
    expect(bare.message).toBe('No auth route at the auth URL (HTTP 404)');
    expect(bare.status).toBe(404);
    auth!.dispose();
    const elsewhere = await failure(make({ apiKey: undefined, source: { token: () => throwError(() => new HttpError({ status: 404, url: 'https://issuer.example/token' })) } }));
    expect(elsewhere.message).toBe('No auth route at https://issuer.example/token (HTTP 404)');
  });

  it("a refused key (api.video's 400) still reads as rejected", async () => {
    server.rejectApiKey();
    const error = await failure(make({ retry: { maxAttempts: 3 } }));
    expect(error.message).toBe('The API key was rejected (HTTP 400)');
  });
});
