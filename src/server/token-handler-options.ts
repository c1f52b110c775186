import type { SchedulerLike } from 'rxjs';
import type { BearerAuthOptions, TokenSource } from '../core.js';

/** What `authorize` answers: `true` lets the caller have a token; `false` or 401 refuses (no session), 403 refuses (a session without the right). */
export type AuthorizeVerdict = boolean | 401 | 403;

export interface TokenHandlerOptions
  extends Pick<BearerAuthOptions, 'baseUrl' | 'refreshLeadTime' | 'retry' | 'requestTimeout' | 'fetch' | 'scheduler' | 'allowInsecureHttp'> {
  /**
   * The api.video API key. It stays here: no answer ever contains it, nor the refresh token.
   *
   * A function is called at the first request, not before: a build that
   * evaluates your route module (`next build`, Angular SSR route extraction)
   * needs no key, and a request that comes while it gives no key is answered
   * 500 `The token endpoint has no API key` (never the key) and the next
   * request asks it again. A string is checked at once.
   * @example apiKey: () => process.env.APIVIDEO_API_KEY
   */
  apiKey?: string | (() => string | undefined);
  /**
   * Any token source instead of `apiKey`, e.g. `clientCredentials({...})`
   * from rx-bearer/oauth2: the browser gets the access token only, never the
   * client secret nor a refresh token. Exactly one of `apiKey` and `source`.
   */
  source?: TokenSource;
  /**
   * Your app's own check of the caller (its session cookie, say). Required:
   * there is no default that lets everyone in. Only `true` hands out a token;
   * a check that throws refuses too (500). It runs before the body is read,
   * so it must not read the body itself.
   */
  authorize: (request: Request) => AuthorizeVerdict | Promise<AuthorizeVerdict>;
  /**
   * Origins of pages on other origins allowed to ask (CORS with credentials):
   * `https://` origins, or `http://` on loopback only (localhost, 127.0.0.1,
   * [::1]); no wildcard. Without it no CORS header is ever sent, so only
   * same-origin pages can read the token. @default []
   */
  corsOrigins?: readonly string[];
  /**
   * The handler's own deadline in ms, from the request's arrival to its
   * answer, whatever the caller's body or api.video's login is doing: then
   * it answers 503 problem JSON (with `Retry-After` when api.video gave one).
   * A login under way goes on for the callers still waiting. @default 10000
   */
  timeout?: number;
}

export const DEFAULT_TIMEOUT = 10_000;

const isLoopback = (hostname: string) => hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);

/** Why `origin` may not be in `corsOrigins`, or undefined when it may. */
function corsProblem(origin: unknown): string | undefined {
  if (typeof origin !== 'string') return 'each entry must be a string';
  if (origin.includes('*')) return `no wildcard (${JSON.stringify(origin)}): list each origin`;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `${JSON.stringify(origin)} is not an origin such as 'https://app.example.com'`;
  }
  if (url.origin !== origin) return `${JSON.stringify(origin)} is not an origin such as 'https://app.example.com'`;
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) return `${JSON.stringify(origin)} is plain http: use https (http only on loopback)`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${JSON.stringify(origin)} is not an http(s) origin`;
  return undefined;
}

export interface NormalizedTokenHandlerOptions {
  apiKey: () => string | undefined;
  source: TokenSource | undefined;
  authorize: TokenHandlerOptions['authorize'];
  corsOrigins: readonly string[];
  timeout: number;
  scheduler: SchedulerLike | undefined;
  authOptions: Omit<TokenHandlerOptions, 'apiKey' | 'source' | 'authorize' | 'corsOrigins' | 'timeout'>;
}

/** The options checked once, at creation, each bad one a TypeError naming it. */
export function normalizeTokenHandlerOptions(options: TokenHandlerOptions): NormalizedTokenHandlerOptions {
  if (options === null || typeof options !== 'object') throw new TypeError('"options" option must be an object');
  const { apiKey, source, authorize, corsOrigins = [], timeout = DEFAULT_TIMEOUT, ...authOptions } = options;
  if (typeof authorize !== 'function') throw new TypeError('"authorize" option must be a function: your check of who may have a token (there is no default that lets everyone in)');
  if (!Array.isArray(corsOrigins)) throw new TypeError('"corsOrigins" option must be an array of origins such as \'https://app.example.com\'');
  for (const origin of corsOrigins) {
    const why = corsProblem(origin);
    if (why !== undefined) throw new TypeError(`"corsOrigins" option: ${why}`);
  }
  if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0) {
    throw new TypeError('"timeout" option must be a positive finite number of milliseconds');
  }
  if (source !== undefined) {
    if (apiKey !== undefined) throw new TypeError('"source" option must be given without "apiKey" (one of them says where tokens come from)');
  } else if (typeof apiKey !== 'function' && (typeof apiKey !== 'string' || apiKey === '')) {
    throw new TypeError('"apiKey" option must be a non-empty string, or a function that gives it at the first request');
  }
  return {
    apiKey: typeof apiKey === 'function' ? apiKey : () => apiKey,
    source,
    authorize,
    corsOrigins,
    timeout,
    scheduler: authOptions.scheduler,
    authOptions,
  };
}
