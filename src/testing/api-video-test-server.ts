import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { problemJson, problems } from './problems.js';
import { createVideoRoutes, type Answer, type ApiRoute } from './video-routes.js';
import { createRateLimit, type RateLimitOptions } from './rate-limit.js';
import { createFaultQueue, faultHeaders, resetMidBody, streamBody, type Fault } from './server-faults.js';
import { createTokenIssuer } from './token-issuer.js';

export interface ApiVideoTestServerOptions {
  /** The API key(s) that POST /auth/api-key accepts. @default 'test-api-key' */
  apiKey?: string | string[];
  /** Access token lifetime in seconds; fractions allowed. Can be changed later through `server.ttl`. @default 3600 */
  ttl?: number;
  /** Shifts the `iat`/`exp` claims by this many ms, as a server whose clock is off would. @default 0 */
  clockSkew?: number;
  /** Answer CORS preflights and allow every origin, for pages served elsewhere (browser tests, the web demo). @default false */
  cors?: boolean;
  /** Serve https with this key and certificate (PEM), e.g. to test an https -> http redirect. @default plain http */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /**
   * The status both auth routes refuse a wrong API key or a spent refresh
   * token with. api.video's OpenAPI description documents only 400 for them
   * (`The user credentials were incorrect.`); set 401 or 403 (or anything) to
   * check a client against a server that answers otherwise. Can be changed
   * later through `server.rejectionStatus`. @default 400
   */
  rejectionStatus?: number;
  /**
   * api.video's rate-limit window: every answer of the API (auth routes
   * included, injected faults excepted) carries `X-RateLimit-Limit`,
   * `X-RateLimit-Remaining` and `X-RateLimit-Retry-After` (seconds until the
   * window resets), and a request over the limit gets a 429 with only those.
   * @default { limit: 1_000_000, window: 60 }
   */
  rateLimit?: RateLimitOptions;
  /**
   * Also accept, on the API routes, the tokens this function accepts: e.g. an
   * OAuth server's (oidc-provider's `AccessToken.find`), so that the same
   * API serves tokens from any source. A refused one is answered 401 with
   * `WWW-Authenticate: Bearer error="invalid_token"`. @default none
   */
  acceptToken?: (token: string) => boolean | Promise<boolean>;
}

/** The headers a page on another origin may read (cors: true). */
const exposedHeaders = 'x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-retry-after, retry-after';

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
  'access-control-allow-headers': 'authorization, content-type, accept',
  'access-control-max-age': '600',
  'access-control-expose-headers': exposedHeaders,
};

export interface LoggedRequest {
  /** ms since the server started. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Whether an Authorization header arrived. */
  readonly hadAuthorization: boolean;
  /** Whether a Cookie or Proxy-Authorization header arrived (credentials a redirect must not carry elsewhere). */
  readonly hadCookie: boolean;
  readonly hadProxyAuthorization: boolean;
  /** The access token presented on an API route. */
  readonly token?: string;
  /** The parsed request body, with `apiKey` and `refreshToken` replaced by '[redacted]'. */
  readonly body?: Record<string, unknown>;
}

/** Routes are 'METHOD /path', e.g. 'POST /auth/refresh'. */
export type Route = 'POST /auth/api-key' | 'POST /auth/refresh' | 'GET /videos' | 'POST /videos' | 'GET /redirect' | (string & {});

export interface ApiVideoTestServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Requests per route, e.g. counts['POST /auth/refresh']; a route never called is absent. */
  readonly counts: Readonly<Record<string, number>>;
  /** 401s sent on API routes (not on the auth routes). */
  readonly unauthorized: number;
  /** Requests whose client went away before they were answered. */
  readonly aborted: number;
  /** Body bytes written by `stream` faults so far (what a client that stops reading leaves unsent is not counted). */
  readonly streamedBytes: number;
  readonly log: readonly LoggedRequest[];
  /** Every access token issued, to check that a client only ever used real ones. */
  readonly issued: ReadonlySet<string>;
  /** Every refresh token issued, to check that none leaks into logs or errors. */
  readonly issuedRefreshTokens: ReadonlySet<string>;
  /** Lifetime in seconds of the tokens issued from now on. */
  ttl: number;
  /** The status the auth routes refuse credentials with from now on (400, as api.video documents, unless set). */
  rejectionStatus: number;
  /** Queues a fault for the next `count` requests on `route`. */
  fail(route: Route, fault: Fault): void;
  /** Invalidates every access token issued so far; refresh tokens too when asked. */
  revokeAll(options?: { refreshTokens?: boolean }): void;
  /** Makes POST /auth/api-key refuse every key (with `rejectionStatus`, 400) from now on, or accept them again with `false`. */
  rejectApiKey(reject?: boolean): void;
  /** Forgets counts, log, queued faults and the rate-limit window (tokens stay valid). */
  reset(): void;
  /**
   * Serves `path` (and everything under it when it ends with '/') with your
   * own Node listener, before any api.video route, on this server's origin:
   * e.g. a token endpoint through `createServerAdapter(createTokenHandler(...))`
   * from @whatwg-node/server, or the page that uses it. Counted in `counts`, not logged, not rate-limited.
   */
  mount(path: string, listener: (req: IncomingMessage, res: ServerResponse) => unknown): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** JSON or form-urlencoded fields; anything else (multipart included) counts as no fields. */
function parseBody(text: string, contentType = ''): Record<string, unknown> {
  if (contentType.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function checkStatus(status: unknown): number {
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599) throw new TypeError('"rejectionStatus" option must be an HTTP status (an integer from 100 to 599)');
  return status as number;
}

const redact = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).map(([name, value]) => [name, /^(apiKey|refreshToken)$/.test(name) ? '[redacted]' : value]));

/**
 * Starts an api.video-compatible server on 127.0.0.1 (ephemeral port) for
 * tests, demos and benchmarks: POST /auth/api-key, POST /auth/refresh,
 * GET and POST /videos behind the bearer token (POST keeps the video, GET
 * lists them paginated as api.video does: `?currentPage=1&pageSize=25`), and /redirect?to=URL&status=3xx
 * (any method, unprotected; 302 unless status says otherwise; without `to`, a redirect loop) for checking where a client's token goes.
 * Errors are api.video's problem JSON; any other route is a 404 `Unrecognized request URL.`, token or not.
 */
export async function createApiVideoTestServer(options: ApiVideoTestServerOptions = {}): Promise<ApiVideoTestServer> {
  const apiKeys = new Set([options.apiKey ?? 'test-api-key'].flat());
  const settings = { ttl: options.ttl ?? 3600, clockSkew: options.clockSkew ?? 0, rejectionStatus: checkStatus(options.rejectionStatus ?? 400) };
  const rateLimit = createRateLimit(options.rateLimit);
  const tokens = createTokenIssuer(settings);
  const faults = createFaultQueue();
  let counts: Record<string, number> = {};
  let log: LoggedRequest[] = [];
  const waits = new Set<() => void>();
  const started = Date.now();
  let unauthorized = 0;
  let aborted = 0;
  let streamedBytes = 0;
  let keysRejected = false;
  const mounts: Array<[string, (req: IncomingMessage, res: ServerResponse) => unknown]> = [];

  const bearerOf = (req: IncomingMessage) => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

  /** The auth routes: the body attribute each reads, and whether it accepts its value. */
  const authRoutes: Record<string, { attribute: string; accepts: (credential: string) => boolean }> = {
    'POST /auth/api-key': { attribute: 'apiKey', accepts: (apiKey) => !keysRejected && apiKeys.has(apiKey) },
    'POST /auth/refresh': { attribute: 'refreshToken', accepts: (refreshToken) => tokens.redeem(refreshToken) },
  };
  /** The routes behind the bearer token. */
  const apiRoutes: Record<string, ApiRoute> = { ...createVideoRoutes() };

  /** `accepted`: the token was accepted by `options.acceptToken` (another token source's). */
  const answer = (route: string, req: IncomingMessage, body: Record<string, unknown>, accepted = false): Answer => {
    if (route.endsWith(' /redirect')) {
      // An open redirect, for testing where a client's Authorization header goes; without `to`, a loop to itself.
      const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
      const to = query.get('to') ?? req.url ?? '/redirect';
      const status = Number(query.get('status') ?? 302);
      return [[301, 302, 303, 307, 308].includes(status) ? status : 302, '', { location: to }];
    }
    const auth = authRoutes[route];
    if (auth) {
      const credential = body[auth.attribute];
      if (typeof credential !== 'string') return [400, problemJson(problems.attributeRequired(auth.attribute))];
      if (!auth.accepts(credential)) return [settings.rejectionStatus, problemJson(problems.invalidCredentials(settings.rejectionStatus))];
      return [200, JSON.stringify(tokens.issue())];
    }
    const api = apiRoutes[route];
    // A login or refresh on a path that is not one (a baseUrl ending in /v1): the route does not exist, whatever the credentials.
    if (!api && /\/auth\/(api-key|refresh)$/.test(route)) {
      const detail = `No such route: ${route}; the auth routes are POST /auth/api-key and POST /auth/refresh at the API's root`;
      return [404, problemJson({ ...problems.unrecognizedUrl(), detail })];
    }
    if (!api) return [404, problemJson(problems.unrecognizedUrl())];
    if (!accepted && !tokens.isValid(bearerOf(req))) {
      unauthorized++;
      return [401, problemJson(problems.unauthorized()), options.acceptToken ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {}];
    }
    return api(req, body);
  };

  /** Resolves after `ms` or when `until` settles, or at close(), whichever is first. */
  const wait = (ms: number | undefined, until?: PromiseLike<unknown>) =>
    new Promise<void>((resolve) => {
      const done = () => (clearTimeout(timer), waits.delete(done), resolve());
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      if (until) Promise.resolve(until).then(done, done);
      waits.add(done);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const route = `${req.method} ${pathname}`;
    const mounted = mounts.find(([path]) => (path.endsWith('/') ? pathname.startsWith(path) : pathname === path));
    if (mounted) {
      counts[route] = (counts[route] ?? 0) + 1;
      // A fault queued for a mounted route (e.g. an OAuth token endpoint) answers instead of the listener.
      const fault = faults.take(route);
      if (fault?.hang) return;
      if (fault?.delay || fault?.until) await wait(fault.delay, fault.until);
      if (!fault?.status) return void (await mounted[1](req, res));
      const headers = { 'content-type': 'application/json', ...faultHeaders(fault) };
      if (fault.statusText !== undefined) res.statusMessage = fault.statusText;
      if (fault.reset) return resetMidBody(res, fault.status, headers, fault.body ?? problemJson(problems.injected(fault.status)));
      return void res.writeHead(fault.status, headers).end(fault.body ?? problemJson(problems.injected(fault.status)));
    }
    if (options.cors && req.method === 'OPTIONS') return void res.writeHead(204, corsHeaders).end();
    counts[route] = (counts[route] ?? 0) + 1;
    let answering = false;
    res.on('close', () => {
      if (!answering) aborted++;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
    const fault = faults.take(route);
    if (fault?.hang) return; // answered by nobody: the client times out, or close() drops it
    if (fault?.delay || fault?.until) await wait(fault.delay, fault.until);
    if (res.destroyed) return;
    const bearer = bearerOf(req);
    const accepted = options.acceptToken !== undefined && bearer !== undefined && !route.startsWith('POST /auth/') && (await options.acceptToken(bearer));
    // An injected fault stands for whatever else may answer (a proxy, a load balancer): it carries only the headers it names.
    const limited = fault?.status || fault?.stream ? undefined : rateLimit.take();
    const [status, text, routeHeaders]: Answer = fault?.status
      ? [fault.status, fault.body ?? problemJson(problems.injected(fault.status))]
      : limited?.allowed === false
        ? [429, problemJson(problems.tooManyRequests())]
        : answer(route, req, body, accepted);
    const token = route.startsWith('POST /auth/') ? undefined : bearerOf(req);
    log.push({
      time: Date.now() - started,
      method: req.method ?? '',
      path: route.slice(route.indexOf(' ') + 1),
      status,
      hadAuthorization: req.headers.authorization !== undefined,
      hadCookie: req.headers.cookie !== undefined,
      hadProxyAuthorization: req.headers['proxy-authorization'] !== undefined,
      ...(token ? { token } : {}),
      ...(chunks.length ? { body: redact(body) } : {}),
    });
    answering = true;
    if (fault?.statusText !== undefined) res.statusMessage = fault.statusText;
    const headers = { 'content-type': 'application/json', ...(options.cors ? corsHeaders : {}), ...limited?.headers, ...routeHeaders, ...faultHeaders(fault) };
    if (fault?.stream) streamedBytes += await streamBody(res, fault.status ?? 200, headers, fault.stream);
    else if (fault?.reset) resetMidBody(res, status, headers, text);
    else res.writeHead(status, headers).end(text);
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => void handle(req, res).catch(() => res.destroy());
  const http = options.tls ? createHttpsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get counts() {
      return counts;
    },
    get unauthorized() {
      return unauthorized;
    },
    get aborted() {
      return aborted;
    },
    get streamedBytes() {
      return streamedBytes;
    },
    get log() {
      return log;
    },
    issued: tokens.issued,
    issuedRefreshTokens: tokens.issuedRefreshTokens,
    get ttl() {
      return settings.ttl;
    },
    set ttl(seconds: number) {
      settings.ttl = seconds;
    },
    get rejectionStatus() {
      return settings.rejectionStatus;
    },
    set rejectionStatus(status: number) {
      settings.rejectionStatus = checkStatus(status);
    },
    fail: (route, fault) => faults.add(route, fault),
    revokeAll: ({ refreshTokens = false } = {}) => tokens.revokeAll(refreshTokens),
    rejectApiKey: (reject = true) => void (keysRejected = reject),
    mount: (path, listener) => void mounts.push([path, listener]),
    reset() {
      counts = {};
      log = [];
      unauthorized = 0;
      aborted = 0;
      streamedBytes = 0;
      faults.clear();
      rateLimit.reset();
    },
    close() {
      waits.forEach((done) => done());
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
