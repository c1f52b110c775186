import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
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
   * Also accept, on the API routes, the tokens this function accepts: e.g. an
   * OAuth server's (oidc-provider's `AccessToken.find`), so that the same
   * API serves tokens from any source. A refused one is answered 401 with
   * `WWW-Authenticate: Bearer error="invalid_token"`. @default none
   */
  acceptToken?: (token: string) => boolean | Promise<boolean>;
}

const corsHeaders = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PATCH, PUT, DELETE',
  'access-control-allow-headers': 'authorization, content-type, accept',
  'access-control-max-age': '600',
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
  /** Queues a fault for the next `count` requests on `route`. */
  fail(route: Route, fault: Fault): void;
  /** Invalidates every access token issued so far; refresh tokens too when asked. */
  revokeAll(options?: { refreshTokens?: boolean }): void;
  /** Makes POST /auth/api-key refuse every key (401) from now on, or accept them again with `false`. */
  rejectApiKey(reject?: boolean): void;
  /** Forgets counts, log and queued faults (tokens stay valid). */
  reset(): void;
  /**
   * Serves `path` (and everything under it when it ends with '/') with your
   * own Node listener, before any api.video route, on this server's origin:
   * e.g. a token endpoint through `createServerAdapter(createTokenHandler(...))`
   * from @whatwg-node/server, or the page that uses it. Counted in `counts`, not logged.
   */
  mount(path: string, listener: (req: IncomingMessage, res: ServerResponse) => unknown): void;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

const problem = (status: number, title: string) => JSON.stringify({ type: 'https://docs.api.video/reference', title, status });

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

const redact = (body: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(body).map(([name, value]) => [name, /^(apiKey|refreshToken)$/.test(name) ? '[redacted]' : value]));

/**
 * Starts an api.video-compatible server on 127.0.0.1 (ephemeral port) for
 * tests, demos and benchmarks: POST /auth/api-key, POST /auth/refresh,
 * GET and POST /videos behind the bearer token (POST keeps the video, GET
 * lists them paginated as api.video does: `?currentPage=1&pageSize=25`), and /redirect?to=URL&status=3xx
 * (any method, unprotected; 302 unless status says otherwise; without `to`, a redirect loop) for checking where a client's token goes.
 */
export async function createApiVideoTestServer(options: ApiVideoTestServerOptions = {}): Promise<ApiVideoTestServer> {
  const apiKeys = new Set([options.apiKey ?? 'test-api-key'].flat());
  const settings = { ttl: options.ttl ?? 3600, clockSkew: options.clockSkew ?? 0 };
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

  /** Videos created with POST /videos, oldest first; kept until close(). */
  const videos: Array<Record<string, unknown>> = [];
  /** One page of them as api.video answers GET /videos: `currentPage` from 1, `pageSize` 25 by default (at most 100). */
  const videoPage = (query: URLSearchParams) => {
    const pageSize = Math.min(100, Math.max(1, Math.trunc(Number(query.get('pageSize') ?? 25)) || 25));
    const pagesTotal = Math.max(1, Math.ceil(videos.length / pageSize));
    const currentPage = Math.max(1, Math.trunc(Number(query.get('currentPage') ?? 1)) || 1);
    const data = videos.slice((currentPage - 1) * pageSize, currentPage * pageSize);
    const uri = (page: number) => `/videos?currentPage=${page}&pageSize=${pageSize}`;
    const links = [
      { rel: 'self', uri: uri(currentPage) },
      { rel: 'first', uri: uri(1) },
      ...(currentPage > 1 ? [{ rel: 'previous', uri: uri(Math.min(currentPage - 1, pagesTotal)) }] : []),
      ...(currentPage < pagesTotal ? [{ rel: 'next', uri: uri(currentPage + 1) }] : []),
      { rel: 'last', uri: uri(pagesTotal) },
    ];
    return { data, pagination: { currentPage, currentPageItems: data.length, pageSize, pagesTotal, itemsTotal: videos.length, links } };
  };

  const bearerOf = (req: IncomingMessage) => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

  const answer = (route: string, req: IncomingMessage, body: Record<string, unknown>, accepted = false): [number, string, Record<string, string>?] => {
    if (route.endsWith(' /redirect')) {
      // An open redirect, for testing where a client's Authorization header goes; without `to`, a loop to itself.
      const query = new URL(req.url ?? '/', 'http://127.0.0.1').searchParams;
      const to = query.get('to') ?? req.url ?? '/redirect';
      const status = Number(query.get('status') ?? 302);
      return [[301, 302, 303, 307, 308].includes(status) ? status : 302, '', { location: to }];
    }
    if (route === 'POST /auth/api-key') {
      const accepted = !keysRejected && typeof body['apiKey'] === 'string' && apiKeys.has(body['apiKey']);
      return accepted ? [200, JSON.stringify(tokens.issue())] : [401, problem(401, 'The API key is invalid.')];
    }
    if (route === 'POST /auth/refresh') {
      return tokens.redeem(body['refreshToken']) ? [200, JSON.stringify(tokens.issue())] : [400, problem(400, 'The refresh token is invalid.')];
    }
    if (!accepted && !tokens.isValid(bearerOf(req))) {
      unauthorized++;
      return [401, problem(401, 'Unauthorized request.'), options.acceptToken ? { 'www-authenticate': 'Bearer error="invalid_token"' } : {}];
    }
    if (route === 'GET /videos') return [200, JSON.stringify(videoPage(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams))];
    if (route === 'POST /videos') {
      const video = { title: '', ...body, videoId: `vi${randomUUID().replace(/-/g, '').slice(0, 20)}` };
      videos.push(video);
      return [201, JSON.stringify(video)];
    }
    return [404, problem(404, 'Not found.')];
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
      if (fault.reset) return resetMidBody(res, fault.status, headers, fault.body ?? problem(fault.status, 'Injected fault.'));
      return void res.writeHead(fault.status, headers).end(fault.body ?? problem(fault.status, 'Injected fault.'));
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
    const [status, text, routeHeaders] = fault?.status ? [fault.status, fault.body ?? problem(fault.status, 'Injected fault.')] : answer(route, req, body, accepted);
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
    const headers = { 'content-type': 'application/json', ...(options.cors ? corsHeaders : {}), ...routeHeaders, ...faultHeaders(fault) };
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
    },
    close() {
      waits.forEach((done) => done());
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
