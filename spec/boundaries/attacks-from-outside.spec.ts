import { inspect } from 'node:util';
import { Request as NodeFetchRequest } from 'cross-fetch';
import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';

/**
 * Findings of an outside review of the credential boundary (issue 12). Each
 * spec failed on the first version of the boundary; it pins one way a
 * credential reached a place it should not. Each describe names its severity
 * and the fix.
 */
describe('credential boundary, attacked from outside (a review\'s findings, fixed)', () => {
  let api: ApiVideoTestServer;
  let other: ApiVideoTestServer;
  let auth: BearerAuth | undefined;

  beforeEach(async () => {
    [api, other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
  });
  afterEach(async () => {
    auth?.dispose();
    auth = undefined;
    await Promise.all([api.close(), other.close()]);
  });

  /**
   * MEDIUM. httpTransport trusts `redirect: 'manual'` to be honoured. A fetch
   * that does not (an instrumentation wrapper that copies method/headers/body
   * only; an XHR-based polyfill such as whatwg-fetch, which ignores
   * `redirect`, where there is no native fetch) follows a 307 from /auth/api-key with the API key in
   * the body, and rx-bearer then takes the other origin's answer as the
   * session: the API receives a bearer token chosen by the other origin.
   * Fix: after the fetch, refuse an answer with `response.redirected` or a
   * non-empty `response.url` other than the auth URL (AuthError 'redirected').
   * The key itself cannot be saved then, but the forged session is refused.
   */
  describe('MEDIUM: a fetch that ignores redirect: "manual" on an auth route', () => {
    const forgetsRedirect: typeof fetch = (input, init = {}) => fetch(input, { method: init.method, headers: init.headers, body: init.body, signal: init.signal });

    it('the session answered by another origin after a 307 from /auth/api-key is refused (AuthError redirected)', async () => {
      // The other origin knows the key it was sent: it answers with a session of its own.
      const evil = await createApiVideoTestServer({ apiKey: 'test-api-key' });
      try {
        api.fail('POST /auth/api-key', { status: 307, headers: { location: `${evil.url}/auth/api-key` } });
        auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, fetch: forgetsRedirect, refreshOn: 'timer' });
        const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
        expect(error).toEqual(jasmine.objectContaining({ reason: 'redirected' }));
        const forged = api.log.filter((entry) => entry.token !== undefined && evil.issued.has(entry.token));
        expect(forged.length).withContext('API requests carrying a token issued by the other origin').toBe(0);
      } finally {
        await evil.close();
      }
    });
  });

  /**
   * MEDIUM (a gadget: needs a prototype-pollution bug elsewhere in the app).
   * normalizeOptions destructures the options, so inherited properties count:
   * `Object.prototype.baseUrl = 'https://evil'` makes every later
   * createBearerAuth({ apiKey }) POST the API key there, and
   * `Object.prototype.allowedOrigins` widens where the token goes.
   * Fix: read each option only when `Object.hasOwn(options, name)` (or copy
   * own properties into a null-prototype object first), and the same for
   * `retry`.
   */
  describe('MEDIUM: options inherited from Object.prototype', () => {
    const proto = Object.prototype as unknown as Record<string, unknown>;
    afterEach(() => {
      delete proto['baseUrl'];
      delete proto['allowedOrigins'];
    });

    it('a polluted Object.prototype.baseUrl does not receive the API key', async () => {
      proto['baseUrl'] = other.url;
      // Nothing leaves 127.0.0.1: the fetch records where the login would go and answers 503.
      const sentTo: string[] = [];
      const recording = (async (input: string) => (sentTo.push(new URL(input).origin), new Response('{}', { status: 503 }))) as unknown as typeof fetch;
      auth = createBearerAuth({ apiKey: 'polluted-key', fetch: recording, retry: { maxAttempts: 1 } });
      delete proto['baseUrl'];
      await firstValueFrom(auth.fetch('/videos')).catch(() => undefined);
      expect(sentTo).toEqual(['https://ws.api.video']);
      expect(other.log).toEqual([]);
    });

    it('a polluted Object.prototype.allowedOrigins does not widen where the token goes', () => {
      proto['allowedOrigins'] = [other.url];
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      expect(auth.scope.allowsToken(`${other.url}/videos`)).toBeFalse();
    });
  });

  /**
   * LOW. auth.scope is the live object fetch-helpers consult, and
   * `scope.origins` is a plain Set: `auth.scope.origins.add(x)` (any code
   * holding the auth: a library it was passed to) silently adds an origin
   * that receives the token. Fix: Object.freeze the scope, and expose a
   * frozen copy of the origins (an array, or a Set subclass whose add/delete/
   * clear throw), keeping the private Set for the check.
   */
  describe('LOW: a mutable scope', () => {
    it('auth.scope.origins cannot be widened after creation', async () => {
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      try {
        (auth.scope.origins as Set<string>).add(other.url);
      } catch {
        /* refusing is the fix */
      }
      try {
        (auth.scope as { allowsToken: unknown }).allowsToken = () => true;
      } catch {
        /* refusing is the fix */
      }
      await firstValueFrom(auth.fetch(`${other.url}/videos`));
      expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
    });
  });

  /**
   * LOW. The auth routes are matched after decoding, case folding and
   * trailing slashes, but not in spellings common servers still route to
   * the same handler: `/auth//refresh` (nginx merge_slashes, on by default),
   * `/auth/refresh;x` (Servlet/Spring path parameters). The bearer token is
   * sent there. Fix: in canonicalPath also collapse repeated slashes and drop
   * `;…` path parameters of each segment before comparing (the scope
   * promises "never the auth routes however spelled").
   */
  describe('LOW: auth routes spelled as servers still route them', () => {
    for (const path of ['/auth//refresh', '/auth/refresh;jsessionid=1', '/auth//api-key']) {
      it(`${path} is an auth route (no bearer token)`, () => {
        auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
        expect(auth.scope.isAuthRoute(`${api.url}${path}`)).toBeTrue();
        expect(auth.scope.allowsToken(path)).toBeFalse();
      });
    }
  });

  /**
   * LOW (correctness; the token stays on the API origin). A Request that is
   * not the global Request (cross-fetch's node-fetch Request, one from
   * another realm) is taken for a URL: String(request) is "[object Request]",
   * a relative path on baseUrl, so the token goes to `baseUrl/[object
   * Request]` and the request's own URL, method and body are lost. Fix:
   * recognise a Request by shape (string `url`, `clone` function), or refuse
   * anything that is not a string, a URL or a Request with a TypeError.
   */

  describe('LOW: a Request from another fetch implementation', () => {
    it('a node-fetch Request for another origin is sent there without the token, not to baseUrl/[object Request]', async () => {
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      const outcome = await firstValueFrom(auth.fetch(new NodeFetchRequest(`${other.url}/videos`) as unknown as Request)).then(
        (response) => response.status,
        (error: unknown) => error,
      );
      expect(api.log.map((entry) => entry.path)).not.toContain('/[object%20Request]');
      // Either sent where it says, without the token, or refused.
      if (typeof outcome === 'number') expect(other.log.map((entry) => entry.hadAuthorization)).toEqual([false]);
      else expect(outcome).toEqual(jasmine.any(TypeError));
    });
  });

  /**
   * LOW. An auth route's error body is kept whole in HttpError.body, the
   * cause of the AuthError that state$ reports: a server (or a proxy's error
   * page) that echoes the request puts the API key or the refresh token into
   * whatever logs state$ or the error (util.inspect, Sentry...). Fix: in
   * httpTransport, replace occurrences of the credential sent in the error
   * body (and its text) with '[redacted]' before building the HttpError, or
   * keep only the body's `title`/`status`/`detail` fields.
   */
  describe('LOW: a credential echoed by the auth server', () => {
    it('an API key echoed in a 400 body from /auth/api-key does not reach state$ or the error', async () => {
      api.fail('POST /auth/api-key', { status: 400, body: JSON.stringify({ title: 'Invalid apiKey "test-api-key"' }) });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 } });
      const seen: unknown[] = [];
      auth.state$.subscribe((state) => seen.push(state));
      seen.push(await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught));
      const printed = seen.map((item) => inspect(item, { depth: Infinity, showHidden: true })).join('\n');
      expect(printed.includes('test-api-key')).withContext('API key in printed state$/error').toBeFalse();
    });

    it('a short API key (or one that a token happens to contain) still logs in: only error bodies are redacted', async () => {
      const server = await createApiVideoTestServer({ apiKey: 'e' });
      try {
        auth = createBearerAuth({ apiKey: 'e', baseUrl: server.url });
        const videos = await firstValueFrom(auth.json<{ data: unknown[] }>('/videos'));
        expect(videos.data).toEqual(jasmine.any(Array));
        expect(server.counts['POST /auth/api-key']).toBe(1);
      } finally {
        auth?.dispose();
        await server.close();
      }
    });
  });

  /**
   * MEDIUM (outside review, 2026-12-03). The body and headers were redacted,
   * not the status text (the reason phrase, which a server or proxy chooses
   * as freely), and a body that spells the credential with a JSON escape
   * (`\u002d` for `-`) was redacted as text, then parsed into the clear.
   * Fix: src/redact.ts, used for the status text, the headers, the body as
   * text and as parsed JSON.
   */
  describe('MEDIUM: a credential in the status text, or spelled with JSON escapes', () => {
    const printed = (items: unknown[]) => items.map((item) => `${String(item)}\n${inspect(item, { depth: Infinity, showHidden: true })}\n${JSON.stringify(item)}`).join('\n');

    it('the API key in the status text of a 500 reaches neither the error nor state$', async () => {
      api.fail('POST /auth/api-key', { status: 500, statusText: 'Bad key test-api-key' });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 } });
      const seen: unknown[] = [];
      auth.state$.subscribe((state) => seen.push(state));
      seen.push(await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught));
      expect(api.counts['POST /auth/api-key']).toBe(1);
      expect(String(seen.at(-1))).toContain('HTTP 500 Bad key [redacted]');
      expect(printed(seen)).not.toContain('test-api-key');
    });

    it('the API key spelled with \\u escapes in a 400 body, in a value or a name, is redacted in the parsed body', async () => {
      api.fail('POST /auth/api-key', { status: 400, body: '{"detail":"test\\u002dapi\\u002dkey","\\u0074est-api-key":1}', headers: { 'content-type': 'application/json' } });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 } });
      const seen: unknown[] = [];
      auth.state$.subscribe((state) => seen.push(state));
      const error = await firstValueFrom(auth.json('/videos')).catch((caught: unknown) => caught);
      seen.push(error);
      expect((error as { cause?: { body?: unknown } }).cause?.body).toEqual({ detail: '[redacted]', '[redacted]': 1 });
      expect(printed(seen)).not.toContain('test-api-key');
    });

    it('the refresh token in the status text of a 503 from /auth/refresh reaches neither the error nor state$', async () => {
      const sent: string[] = [];
      api.mount('/auth/refresh', (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk));
        req.on('end', () => {
          const refreshToken = String((JSON.parse(body) as { refreshToken?: unknown }).refreshToken);
          sent.push(refreshToken);
          res.statusMessage = `cannot refresh ${refreshToken}`;
          res.writeHead(503, { 'content-type': 'text/plain' }).end();
        });
      });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url, retry: { maxAttempts: 1 } });
      const seen: unknown[] = [];
      auth.state$.subscribe((state) => seen.push(state));
      await firstValueFrom(auth.json('/videos'));
      seen.push(await firstValueFrom(auth.refresh()).catch((caught: unknown) => caught));
      expect(sent.length).toBe(1);
      expect(sent[0]!.length).toBeGreaterThan(8);
      expect(printed(seen)).toContain('cannot refresh [redacted]');
      expect(printed(seen)).not.toContain(sent[0]!);
    });

    it("the bearer token in an API's status text, or \\u-escaped in its body, stays out of auth.json's HttpError", async () => {
      api.mount('/echo-status', (req, res) => {
        const token = String(req.headers.authorization).slice('Bearer '.length);
        res.statusMessage = `bad token ${token}`;
        res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ detail: token.replace(/\./g, '\\u002e') }).replace(/\\\\/g, '\\'));
      });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      const error = await firstValueFrom(auth.json('/echo-status')).catch((caught: unknown) => caught);
      const token = auth.token!;
      expect(error).toEqual(jasmine.objectContaining({ status: 500, statusText: 'bad token [redacted]', body: { detail: '[redacted]' } }));
      expect(printed([error])).not.toContain(token);
    });
  });

  describe('LOW: the bearer token echoed by an API', () => {
    it("an API that echoes the bearer token in a 403's body and headers does not put it in auth.json's HttpError", async () => {
      api.mount('/echo', (req, res) => {
        res.writeHead(403, { 'content-type': 'application/json', 'x-echo': String(req.headers.authorization) });
        res.end(JSON.stringify({ title: 'Forbidden', sent: req.headers.authorization }));
      });
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      const error = await firstValueFrom(auth.json('/echo')).catch((caught: unknown) => caught);
      const token = auth.token!;
      expect(token).toEqual(jasmine.any(String));
      expect(error).toEqual(jasmine.objectContaining({ status: 403 }));
      expect(inspect(error, { depth: Infinity, showHidden: true }).includes(token)).withContext('token in the printed HttpError').toBeFalse();
      expect(JSON.stringify(error)).not.toContain(token);
    });
  });

  /**
   * LOW. baseUrl with `user:password@` is refused without echoing it, but a
   * request URL with userinfo (not in scope, so sent as is) fails in fetch
   * and the NetworkError's message repeats the password (twice, with
   * undici's cause). Fix: strip username/password from the URL put in
   * NetworkError/HttpError messages (`url.username = url.password = ''`).
   */
  describe('LOW: userinfo of a request URL in error messages', () => {
    it('the password of a URL with userinfo is not in the NetworkError message', async () => {
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: api.url });
      const error = await firstValueFrom(auth.fetch(`${api.url.replace('//', '//user:hunter2@')}/videos`)).catch((caught: unknown) => caught);
      expect((error as Error).message).not.toContain('hunter2');
    });
  });
});
