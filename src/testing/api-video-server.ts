import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signHs256, verifyHs256 } from './hs256.js';

/**
 * An api.video-compatible server for tests, the demo and the benchmark: real
 * HTTP on 127.0.0.1 (ephemeral port), real HS256 access tokens, single-use
 * refresh tokens, revocation, fault injection per route and counters.
 */
export interface ApiVideoServerOptions {
  /** API keys accepted by POST /auth/api-key. @default ['test-api-key'] */
  apiKeys?: string[];
  /** Access token lifetime in seconds (fractions allowed). @default 3600 */
  ttl?: number;
}

/** What the next matching request(s) get instead of the normal answer. */
export interface Fault {
  /** Answer with this status (and `body`); without it the normal answer is sent after `delay`. */
  status?: number;
  /** How many requests it applies to. @default 1 */
  count?: number;
  /** Wait this long (ms) before answering. */
  delay?: number;
  /** Raw body sent with `status`. @default a problem-details JSON */
  body?: string;
  headers?: Record<string, string>;
}

export interface LoggedRequest {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The access token presented on a protected route (never API keys or refresh tokens). */
  readonly token?: string;
  /** Whether an Authorization header arrived at all. */
  readonly hadAuthorization: boolean;
}

export type Route = 'POST /auth/api-key' | 'POST /auth/refresh' | 'GET /videos' | 'POST /videos' | (string & {});

export interface ApiVideoServer {
  readonly url: string;
  /** Requests per route, e.g. counts['POST /auth/refresh']. */
  readonly counts: Record<string, number>;
  /** 401s sent on protected routes. */
  readonly unauthorized: number;
  /** Requests whose client went away before the answer. */
  readonly aborted: number;
  readonly log: readonly LoggedRequest[];
  /** Every access token issued. */
  readonly issued: ReadonlySet<string>;
  ttl: number;
  fail(route: Route, fault: Fault): void;
  /** Invalidates every access token issued so far (and the refresh tokens too, if asked). */
  revokeAll(options?: { refreshTokens?: boolean }): void;
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

export async function startApiVideoServer(options: ApiVideoServerOptions = {}): Promise<ApiVideoServer> {
  const apiKeys = new Set(options.apiKeys ?? ['test-api-key']);
  const key = randomBytes(32);
  const accessTokens = new Map<string, number>(); // jti -> expiry (ms)
  const refreshTokens = new Set<string>();
  const faults = new Map<string, Fault[]>();
  const counts: Record<string, number> = {};
  const log: LoggedRequest[] = [];
  const issued = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  let unauthorized = 0;
  let aborted = 0;

  const issue = () => {
    const now = Date.now();
    const jti = randomUUID();
    accessTokens.set(jti, now + server.ttl * 1000);
    const refreshToken = randomBytes(24).toString('base64url');
    refreshTokens.add(refreshToken);
    const accessToken = signHs256({ iat: now / 1000, exp: now / 1000 + server.ttl, jti, sub: 'test' }, key);
    issued.add(accessToken);
    return { token_type: 'Bearer', expires_in: server.ttl, access_token: accessToken, refresh_token: refreshToken };
  };

  const bearerOf = (req: IncomingMessage): string | undefined => /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];

  const isValid = (token: string | undefined): boolean => {
    const jti = token === undefined ? undefined : verifyHs256(token, key)?.['jti'];
    const expiresAt = typeof jti === 'string' ? accessTokens.get(jti) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  };

  const answer = (route: string, req: IncomingMessage, body: Record<string, unknown>): [number, string] => {
    if (route === 'POST /auth/api-key') {
      return typeof body['apiKey'] === 'string' && apiKeys.has(body['apiKey'])
        ? [200, JSON.stringify(issue())]
        : [401, problem(401, 'The API key is invalid.')];
    }
    if (route === 'POST /auth/refresh') {
      const token = body['refreshToken'];
      if (typeof token !== 'string' || !refreshTokens.delete(token)) return [400, problem(400, 'The refresh token is invalid.')];
      return [200, JSON.stringify(issue())];
    }
    if (!isValid(bearerOf(req))) {
      unauthorized++;
      return [401, problem(401, 'Unauthorized request.')];
    }
    if (route === 'GET /videos') return [200, JSON.stringify({ data: [], pagination: { currentPage: 1, itemsTotal: 0 } })];
    if (route === 'POST /videos') return [201, JSON.stringify({ videoId: `vi${randomUUID().slice(0, 8)}`, ...body })];
    return [404, problem(404, 'Not found.')];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname}`;
    counts[route] = (counts[route] ?? 0) + 1;
    res.on('close', () => {
      if (!res.writableEnded) aborted++;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const fault = faults.get(route)?.find((f) => (f.count ?? 1) > 0);
    if (fault) fault.count = (fault.count ?? 1) - 1;
    if (fault?.delay) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (timers.delete(timer), resolve()), fault.delay);
        timers.add(timer);
      });
    }
    if (res.destroyed) return;
    const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
    const [status, text] = fault?.status ? [fault.status, fault.body ?? problem(fault.status, 'Injected fault.')] : answer(route, req, body);
    const token = route.startsWith('POST /auth/') ? undefined : bearerOf(req);
    log.push({ method: req.method ?? '', path: route.slice(route.indexOf(' ') + 1), status, hadAuthorization: req.headers.authorization !== undefined, ...(token ? { token } : {}) });
    res.writeHead(status, { 'content-type': 'application/json', ...fault?.headers }).end(text);
  };

  const http = createServer((req, res) => void handle(req, res).catch(() => res.destroy()));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;

  const server: ApiVideoServer = {
    url: `http://127.0.0.1:${port}`,
    counts,
    get unauthorized() {
      return unauthorized;
    },
    get aborted() {
      return aborted;
    },
    log,
    issued,
    ttl: options.ttl ?? 3600,
    fail(route, fault) {
      faults.set(route, [...(faults.get(route) ?? []), { ...fault }]);
    },
    revokeAll({ refreshTokens: alsoRefresh = false } = {}) {
      accessTokens.clear();
      if (alsoRefresh) refreshTokens.clear();
    },
    close() {
      timers.forEach(clearTimeout);
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return server;
}
