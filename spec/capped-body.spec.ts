import crossFetch from 'cross-fetch';
import { firstValueFrom } from 'rxjs';
import { AuthError, HttpError, InvalidTokenResponseError, createBearerAuth, type BearerAuth } from '../src/index.js';
import { MAX_AUTH_BODY } from '../src/capped-body.js';
import { createTokenHandler } from '../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/index.js';
import { eventually } from './helpers/http.js';

/**
 * Every auth answer is read at most MAX_AUTH_BODY (64 KB) deep, counted as it
 * streams, over real HTTP on 127.0.0.1. Before: a 300 MB token response was
 * read whole (client RSS 59 -> 1,160 MB), an endless one until the time limit.
 * What the server managed to write before the client stopped reading is
 * bounded by the cap plus the sockets' buffers: far below what was offered.
 */
const HUGE = 300 * 1024 * 1024;
/** The cap, plus what loopback socket buffers on both sides may hold: well under the 300 MB offered. */
const WRITTEN_AT_MOST = 32 * 1024 * 1024;
const once = { maxAttempts: 1, initialDelay: 0, maxDelay: 0 };
/** A token response whose access token never ends. */
const endlessToken = { head: '{"token_type":"Bearer","expires_in":3600,"access_token":"', fill: 'a' };

const failureOf = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error);

describe('auth answers are read at most 64 KB deep (over HTTP)', () => {
  let server: ApiVideoTestServer;
  let auth: BearerAuth | undefined;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await server.close();
  });

  it('is 64 KB: forty times a real token response', () => {
    expect(MAX_AUTH_BODY).toBe(65_536);
  });

  it('refuses a 300 MB login answer after reading 64 KB of it: invalid-response, and the server could write only a fraction', async () => {
    server.fail('POST /auth/api-key', { stream: { ...endlessToken, tail: '"}', bytes: HUGE } });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.any(AuthError));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect((error as AuthError).cause).toEqual(jasmine.any(InvalidTokenResponseError));
    expect((error as Error).message).toContain('larger than 65536 bytes');
    expect(await eventually(() => server.streamedBytes > 0, 5000)).toBeTrue();
    expect(server.streamedBytes).toBeLessThan(WRITTEN_AT_MOST);
  });

  it('ends an endless login answer at the cap, long before requestTimeout', async () => {
    server.fail('POST /auth/api-key', { stream: endlessToken });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once, requestTimeout: 60_000 });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect(await eventually(() => server.streamedBytes > 0, 5000)).toBeTrue();
    expect(server.streamedBytes).toBeLessThan(WRITTEN_AT_MOST);
  });

  it("caps node-fetch's bodies too (cross-fetch, where there is no global fetch: a Node stream, not a ReadableStream)", async () => {
    server.fail('POST /auth/api-key', { stream: endlessToken });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once, requestTimeout: 60_000, fetch: crossFetch as unknown as typeof fetch });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect(await eventually(() => server.streamedBytes > 0, 5000)).toBeTrue();
    expect(server.streamedBytes).toBeLessThan(WRITTEN_AT_MOST);
  });

  it('counts bytes after decompression: a gzip bomb is cut at 64 KB of what it expands to', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.concat([Buffer.from(endlessToken.head), Buffer.alloc(50 * 1024 * 1024, 'a'), Buffer.from('"}')]));
    server.mount('/bomb', (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(bomb));
    auth = createBearerAuth({ tokenUrl: `${server.url}/bomb`, retry: once });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect((error as Error).message).toContain('larger than 65536 bytes');
  });

  it('is retried like any unusable answer, each attempt capped, within retry.maxAttempts', async () => {
    server.fail('POST /auth/api-key', { stream: endlessToken, count: 2 });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 3, initialDelay: 1, maxDelay: 1 } });
    expect(await firstValueFrom(auth.refresh())).toMatch(/^ey/);
    expect(server.counts['POST /auth/api-key']).toBe(3);
  });

  it('refuses an answer whose Content-Length says more than 64 KB without reading it', async () => {
    const body = JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: 'a', refresh_token: 'b', padding: 'x'.repeat(MAX_AUTH_BODY) });
    server.fail('POST /auth/api-key', { status: 200, body });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
  });

  it('accepts an answer just under the cap', async () => {
    const token = 'ey' + 'x'.repeat(100);
    const head = JSON.stringify({ token_type: 'Bearer', expires_in: 3600, access_token: token, refresh_token: 'r' }).slice(0, -1) + ',"padding":"';
    server.fail('POST /auth/api-key', { stream: { head, fill: 'p', tail: '"}', bytes: MAX_AUTH_BODY } });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once });
    expect(await firstValueFrom(auth.refresh())).toBe(token);
  });

  it('keeps the status of an error answer over the cap (a 503 is retried, a 401 is a rejection), without its body', async () => {
    server.fail('POST /auth/api-key', { status: 503, stream: { fill: '<html>' } });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: { maxAttempts: 2, initialDelay: 1, maxDelay: 1 } });
    expect(await firstValueFrom(auth.refresh())).toMatch(/^ey/);
    auth.dispose();
    server.fail('POST /auth/api-key', { status: 401, stream: { fill: '<html>' } });
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once });
    const error = (await failureOf(firstValueFrom(auth.refresh()))) as AuthError;
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'rejected', status: 401 }));
    expect(error.cause).toEqual(jasmine.any(HttpError));
    expect((error.cause as HttpError).body).toBeUndefined();
    expect(server.streamedBytes).toBeLessThan(2 * WRITTEN_AT_MOST);
  });

  it('caps the refresh answer too', async () => {
    auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url, retry: once });
    await firstValueFrom(auth.refresh());
    server.fail('POST /auth/refresh', { stream: endlessToken });
    server.fail('POST /auth/api-key', { stream: endlessToken });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect(server.counts['POST /auth/refresh']).toBe(1);
    expect(server.streamedBytes).toBeLessThan(2 * WRITTEN_AT_MOST);
  });

  it("caps a tokenUrl endpoint's answer", async () => {
    server.fail('POST /token', { stream: endlessToken });
    auth = createBearerAuth({ tokenUrl: `${server.url}/token`, retry: once, requestTimeout: 60_000 });
    const error = await failureOf(firstValueFrom(auth.refresh()));
    expect(error).toEqual(jasmine.objectContaining({ code: 'ERR_AUTH', reason: 'invalid-response' }));
    expect(server.counts['POST /token']).toBe(1);
    expect(server.streamedBytes).toBeLessThan(WRITTEN_AT_MOST);
  });

  it("caps what rx-bearer/server's token handler reads from api.video: the browser gets a 503", async () => {
    server.fail('POST /auth/api-key', { stream: endlessToken });
    const handler = createTokenHandler({ apiKey: 'test-api-key', authorize: () => true, baseUrl: server.url, retry: once, requestTimeout: 60_000 });
    try {
      const response = await handler(new Request('http://127.0.0.1/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }));
      expect(response.status).toBe(503);
      expect(server.streamedBytes).toBeLessThan(WRITTEN_AT_MOST);
    } finally {
      handler.dispose();
    }
  });
});
