import { asyncScheduler, firstValueFrom, of, take } from 'rxjs';
import { AuthError, createBearerAuth } from '../core.js';
import { jsonResponse, problem } from './problem.js';
import { contentTypeOf, readBody } from './read-body.js';
import { normalizeTokenHandlerOptions, type AuthorizeVerdict, type TokenHandlerOptions } from './token-handler-options.js';

/**
 * A fetch handler, `(request, context?) => Promise<Response>`, with `dispose()` to stop its BearerAuth.
 * `context` is what an adapter passes beside the request (@whatwg-node/server's `{ req }`): the
 * handler looks there for a body a framework parsed already, and nothing else.
 */
export interface TokenHandler {
  (request: Request, context?: unknown): Promise<Response>;
  dispose(): void;
}

/** The largest body accepted, in bytes: `{ "refused": "<a JWT>" }` fits many times over. */
const MAX_BODY = 8192;

const isJson = (contentType: string) => /^application\/json\s*(;|$)/i.test(contentType);

type BearerAuth = ReturnType<typeof createBearerAuth>;
/** Why the handler stopped waiting before the work was done. */
type Stopped = 'timeout' | 'aborted';

/**
 * The server half of `tokenUrl`: a fetch handler for your backend (Hono,
 * Next.js route handlers, Bun, Deno, Workers as is; Node's http, Express or Fastify
 * through @whatwg-node/server's createServerAdapter, `express.json()` or not).
 * One BearerAuth on the server serves every browser: one login per token
 * lifetime however many ask. A `POST` with a JSON body answers
 * `{ token_type, access_token, expires_in }`, `Cache-Control: no-store`.
 *
 * In order, and nothing read before it is needed: the method (405), the
 * content type (415), a cross-site request (403), `authorize` (401/403), then
 * at most 8 KB of body as it streams (413). Every request is answered within
 * `timeout` (503), and one whose caller left (`request.signal`) stops waiting.
 *
 * A browser whose token got a 401 says so, `{ "refused": token }`: the
 * handler refreshes only when that is still its current token (every
 * concurrent report joins one refresh), within the one auth budget that
 * binds every cycle whatever the callers send, and otherwise hands out the newer token.
 *
 * @example
 * const handler = createTokenHandler({
 *   apiKey: () => process.env.APIVIDEO_API_KEY,
 *   authorize: async (request) => (await sessionOf(request)) !== null,
 * });
 * app.post('/api/video-token', (c) => handler(c.req.raw)); // Hono
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  const { apiKey, source, authorize, corsOrigins, timeout, scheduler = asyncScheduler, authOptions } = normalizeTokenHandlerOptions(options);
  // A server-side auth: no page here, whatever globals a test environment defines.
  const create = (key: string) => createBearerAuth({ ...authOptions, ...(source ? { source } : { apiKey: key }), dangerouslyAllowBrowser: true });
  let auth: BearerAuth | undefined;
  let disposed = false;
  if (source !== undefined || typeof options.apiKey === 'string') auth = create(typeof options.apiKey === 'string' ? options.apiKey : '');
  // A key given later: the other options are still checked now, by a BearerAuth that never starts.
  else create('options-check-only').dispose();

  /** The BearerAuth, created at the first request that has a key. */
  const authNow = (): BearerAuth | undefined => {
    if (auth === undefined && !disposed) {
      const key = apiKey();
      if (typeof key === 'string' && key !== '') auth = create(key);
    }
    return auth;
  };

  /** The refresh a report started, and the token it replaces: every report of that token joins it. */
  let pending: { refused: string; done: Promise<unknown> } | null = null;

  /**
   * CORS with credentials for a listed origin only: that exact origin echoed
   * (never `*`, never `null`, never a pattern), with Allow-Credentials. With
   * any origin listed, every answer varies by Origin, the refusals too, so that
   * no cache hands one origin's answer to another.
   */
  const vary: Record<string, string> = corsOrigins.length > 0 ? { vary: 'Origin' } : {};
  const cors = (request: Request): Record<string, string> => {
    const origin = request.headers.get('origin');
    return origin !== null && corsOrigins.includes(origin)
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', ...vary }
      : vary;
  };

  /** The current token and its remaining lifetime; a refreshed one first when `refused` is still current. */
  const issue = async (auth: BearerAuth, refused: unknown) => {
    if (typeof refused === 'string' && pending?.refused === refused) {
      await pending.done;
    } else if (typeof refused === 'string' && refused === auth.token) {
      // However many report it, the auth budget of `auth` binds these refreshes as it binds every other cycle.
      const current = { refused, done: firstValueFrom(auth.refresh()).finally(() => pending === current && (pending = null)) };
      current.done.catch(() => {}); // its waiters, if any are left, each handle it
      pending = current;
      await current.done;
    }
    const fallback = await firstValueFrom(auth.authorize((token) => of(token)));
    // Read together, synchronously, so that the token and its expiry belong to one session.
    let expiresAt: number | undefined;
    auth.state$.pipe(take(1)).subscribe((state) => (expiresAt = state.expiresAt));
    const token = auth.token ?? fallback;
    const expiresIn = Math.max(0.001, Math.floor((expiresAt ?? scheduler.now()) - scheduler.now()) / 1000);
    return { token_type: 'Bearer', access_token: token, expires_in: expiresIn };
  };

  /** A Retry-After api.video gave, while it holds: what a caller that got no token may wait. */
  const retryAfterOf = (auth: BearerAuth | undefined, error?: unknown): Record<string, string> => {
    let known = error instanceof AuthError ? error.retryAfter : undefined;
    if (known === undefined && auth !== undefined) auth.state$.pipe(take(1)).subscribe((state) => (known = state.error?.retryAfter));
    return known !== undefined ? { 'retry-after': String(Math.ceil(known / 1000)) } : {};
  };

  const handle = async (request: Request, context: unknown, stop: Promise<Stopped>): Promise<Response> => {
    const headers = cors(request);
    if (request.method === 'OPTIONS' && headers['access-control-allow-origin']) {
      return new Response(null, {
        status: 204,
        headers: { ...headers, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' },
      });
    }
    if (request.method !== 'POST') return problem(405, 'Method not allowed: POST a JSON body', { allow: 'POST', ...headers });
    // A cross-site form can POST with cookies, but not as JSON (that needs a CORS preflight, answered for corsOrigins only).
    if (!isJson(contentTypeOf(request, context))) return problem(415, 'The body must be JSON (content-type: application/json)', headers);
    // What the browser says of the caller: another origin (another site, or a sibling on this site) passes only when listed.
    const fetchSite = request.headers.get('sec-fetch-site');
    if ((fetchSite === 'cross-site' || fetchSite === 'same-site') && !headers['access-control-allow-origin']) {
      return problem(403, 'Cross-origin requests are refused unless their origin is in corsOrigins', headers);
    }

    let verdict: AuthorizeVerdict;
    try {
      verdict = await authorize(request);
    } catch {
      return problem(500, 'The authorization check failed', headers);
    }
    if (verdict === 403) return problem(403, 'Forbidden', headers);
    if (verdict !== true) return problem(401, 'Unauthorized', headers);

    const read = await readBody(request, context, MAX_BODY, stop);
    if ('status' in read) return problem(read.status, read.title, headers);

    const current = authNow();
    // Never the key, nor where it was looked for: the operator knows, the browser needs not.
    if (current === undefined) return problem(500, disposed ? 'The token endpoint was stopped' : 'The token endpoint has no API key', headers);
    try {
      // The deadline races this in the handler below: the login goes on for whoever still waits.
      return jsonResponse(200, await issue(current, read.body['refused']), headers);
    } catch (error) {
      // api.video down, rate-limited, or the key refused: the browser learns only that there is no token now.
      return problem(503, 'The token service is unavailable', { ...headers, ...retryAfterOf(current, error) });
    }
  };

  const handler = async (request: Request, context?: unknown): Promise<Response> => {
    let settle!: (why: Stopped) => void;
    const stop = new Promise<Stopped>((resolve) => (settle = resolve));
    // Also what keeps a request alive under workerd while it waits for a login another request started:
    // workerd cancels a request that only awaits others' work ("code had hung"); a timer of its own is work.
    const deadline = scheduler.schedule(() => settle('timeout'), timeout);
    const signal = request.signal as AbortSignal | undefined;
    const onAbort = () => settle('aborted');
    if (signal?.aborted) settle('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const work = handle(request, context, stop);
      work.catch(() => {}); // the losing side of the race below must never be an unhandled rejection
      const stopped = await Promise.race([work, stop]);
      if (stopped instanceof Response) return stopped;
      // The caller left: nobody reads this answer, and the adapter must not wait for one.
      if (stopped === 'aborted') return problem(503, 'The request was aborted', cors(request));
      return problem(503, 'The token service did not answer in time', { ...cors(request), ...retryAfterOf(auth) });
    } finally {
      deadline.unsubscribe();
      signal?.removeEventListener('abort', onAbort);
    }
  };

  return Object.assign(handler, {
    dispose: () => {
      disposed = true;
      auth?.dispose();
    },
  });
}
