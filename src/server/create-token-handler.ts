import { asyncScheduler, firstValueFrom, of, take } from 'rxjs';
import { AuthError, createBearerAuth, type BearerAuthOptions } from '../core.js';
import { jsonResponse, problem } from './problem.js';

/** What `authorize` answers: `true` lets the caller have a token; `false` or 401 refuses (no session), 403 refuses (a session without the right). */
export type AuthorizeVerdict = boolean | 401 | 403;

export interface TokenHandlerOptions
  extends Pick<BearerAuthOptions, 'baseUrl' | 'refreshLeadTime' | 'retry' | 'requestTimeout' | 'fetch' | 'scheduler' | 'allowInsecureHttp'> {
  /** The api.video API key. It stays here: no answer ever contains it, nor the refresh token. */
  apiKey: string;
  /**
   * Your app's own check of the caller (its session cookie, say). Required:
   * there is no default that lets everyone in. Only `true` hands out a token;
   * a check that throws refuses too (500).
   */
  authorize: (request: Request) => AuthorizeVerdict | Promise<AuthorizeVerdict>;
  /**
   * Origins of pages on other origins allowed to ask (CORS with credentials).
   * Without it no CORS header is ever sent, so only same-origin pages can read the token. @default []
   */
  corsOrigins?: readonly string[];
}

/** A fetch handler, `(request) => Promise<Response>`, with `dispose()` to stop its BearerAuth. */
export interface TokenHandler {
  (request: Request): Promise<Response>;
  dispose(): void;
}

/** The largest body accepted: `{ "refused": "<a JWT>" }` fits many times over. */
const MAX_BODY = 8192;

const isJson = (request: Request) => /^application\/json\s*(;|$)/i.test(request.headers.get('content-type') ?? '');

/**
 * The server half of `tokenUrl`: a fetch handler for your backend (Hono,
 * Next.js route handlers, Bun, Deno, Workers as is; Node's http or Express
 * through an adapter such as @whatwg-node/server's createServerAdapter).
 * One BearerAuth on the server serves every browser: one login per token
 * lifetime however many ask. A `POST` with a JSON body answers
 * `{ token_type, access_token, expires_in }`, `Cache-Control: no-store`.
 *
 * A browser whose token got a 401 says so, `{ "refused": token }`: the
 * handler refreshes only when that is still its current token (every
 * concurrent report joins one refresh), within the one auth budget that
 * binds every cycle whatever the callers send, and otherwise hands out the newer token.
 *
 * @example
 * const handler = createTokenHandler({
 *   apiKey: process.env.APIVIDEO_API_KEY!,
 *   authorize: async (request) => (await sessionOf(request)) !== null,
 * });
 * app.post('/api/video-token', (c) => handler(c.req.raw)); // Hono
 */
export function createTokenHandler(options: TokenHandlerOptions): TokenHandler {
  if (options === null || typeof options !== 'object') throw new TypeError('"options" option must be an object');
  const { apiKey, authorize, corsOrigins = [], ...authOptions } = options;
  if (typeof authorize !== 'function') throw new TypeError('"authorize" option must be a function: your check of who may have a token (there is no default that lets everyone in)');
  const isOrigin = (origin: unknown) => {
    try {
      return typeof origin === 'string' && new URL(origin).origin === origin;
    } catch {
      return false;
    }
  };
  if (!Array.isArray(corsOrigins) || !corsOrigins.every(isOrigin)) {
    throw new TypeError('"corsOrigins" option must be an array of origins such as \'https://app.example.com\'');
  }
  const scheduler = authOptions.scheduler ?? asyncScheduler;
  // A server-side auth: no page here, whatever globals a test environment defines.
  const auth = createBearerAuth({ ...authOptions, apiKey, dangerouslyAllowBrowser: true });
  /** The refresh a report started, and the token it replaces: every report of that token joins it. */
  let pending: { refused: string; done: Promise<unknown> } | null = null;

  const cors = (request: Request): Record<string, string> => {
    const origin = request.headers.get('origin');
    return origin !== null && corsOrigins.includes(origin)
      ? { 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true', vary: 'Origin' }
      : {};
  };

  /** The current token and its remaining lifetime; a refreshed one first when `refused` is still current. */
  const issue = async (refused: unknown) => {
    if (typeof refused === 'string' && pending?.refused === refused) {
      await pending.done;
    } else if (typeof refused === 'string' && refused === auth.token) {
      // However many report it, the auth budget of `auth` binds these refreshes as it binds every other cycle.
      const current = { refused, done: firstValueFrom(auth.refresh()).finally(() => pending === current && (pending = null)) };
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

  const handle = async (request: Request): Promise<Response> => {
    const headers = cors(request);
    if (request.method === 'OPTIONS' && headers['access-control-allow-origin']) {
      return new Response(null, {
        status: 204,
        headers: { ...headers, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type', 'access-control-max-age': '600' },
      });
    }
    if (request.method !== 'POST') return problem(405, 'Method not allowed: POST a JSON body', { allow: 'POST', ...headers });
    // A cross-site form can POST with cookies, but not as JSON (that needs a CORS preflight this handler refuses).
    if (!isJson(request)) return problem(415, 'The body must be JSON (content-type: application/json)', headers);
    if (request.headers.get('sec-fetch-site') === 'cross-site' && !headers['access-control-allow-origin']) {
      return problem(403, 'Cross-site requests are refused');
    }
    const text = await request.clone().text();
    if (text.length > MAX_BODY) return problem(413, 'The body is too large', headers);
    let body: unknown = {};
    try {
      if (text.trim() !== '') body = JSON.parse(text);
    } catch {
      return problem(400, 'The body is not valid JSON', headers);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return problem(400, 'The body must be a JSON object', headers);

    let verdict: AuthorizeVerdict;
    try {
      verdict = await authorize(request);
    } catch {
      return problem(500, 'The authorization check failed', headers);
    }
    if (verdict === 403) return problem(403, 'Forbidden', headers);
    if (verdict !== true) return problem(401, 'Unauthorized', headers);

    try {
      return jsonResponse(200, await issue((body as { refused?: unknown }).refused), headers);
    } catch (error) {
      // api.video down, rate-limited, or the key refused: the browser learns only that there is no token now.
      const retryAfter: Record<string, string> =
        error instanceof AuthError && error.retryAfter !== undefined ? { 'retry-after': String(Math.ceil(error.retryAfter / 1000)) } : {};
      return problem(503, 'The token service is unavailable', { ...headers, ...retryAfter });
    }
  };

  return Object.assign(handle, { dispose: () => auth.dispose() });
}
