import { asyncScheduler, type SchedulerLike } from 'rxjs';
import { credentialScope, type CredentialScope } from './credential-scope.js';
import { defaultFetch } from './default-fetch.js';
import { DEV } from './dev.js';
import { httpTransport } from './http-transport.js';
import { invalidOption as fail } from './option-error.js';
import { Secret } from './secret.js';
import { sourceTransport, type AuthTransport, type TokenSource } from './transport.js';
import { tokenUrlTransport } from './token-url-transport.js';
import type { TokenStore } from './token-store.js';

/** Which of the seed's two strategies start a refresh. */
export type RefreshOn = 'timer' | 'unauthorized' | 'both';

export interface RetryOptions {
  /** Attempts per auth call, the first included; at most 10. @default 5 */
  maxAttempts?: number;
  /** Upper bound of the first backoff delay, in ms; doubles per attempt. @default 500 */
  initialDelay?: number;
  /** Upper bound of any backoff delay, in ms; a longer Retry-After ends the retries. @default 30000 */
  maxDelay?: number;
  /** Source of jitter, returning [0, 1); inject a fixed one for deterministic tests. @default Math.random */
  random?: () => number;
}

export interface BearerAuthOptions {
  /**
   * The api.video API key: on a server, or in internal tools used only by
   * people you would trust with the key. It is never logged nor put in an
   * error. Exactly one of `apiKey` and `tokenUrl` is required.
   */
  apiKey?: string;
  /**
   * Your own token endpoint (rx-bearer/server's createTokenHandler), for
   * browsers: every login and refresh POSTs there with the page's cookies,
   * and the API key stays on your server. Relative URLs resolve against the
   * page. It never receives the bearer token. Exactly one of `apiKey` and
   * `tokenUrl` is required; no `transport` with it.
   */
  tokenUrl?: string;
  /**
   * Whether the calls to `tokenUrl` carry the page's cookies when tokenUrl is
   * on another origin than the page (`https://auth.example.com/token` from
   * `https://app.example.com`): `'include'` sends them (the endpoint must
   * answer CORS with credentials for this page's origin: createTokenHandler's
   * `corsOrigins`), `'same-origin'` never does. Say it for a tokenUrl on
   * another origin: sending the cookies there is a choice, and without them
   * its session check fails (the development build throws a TypeError naming
   * this option; the production browser build keeps the default, and the
   * endpoint answers 401). On the page's own origin they always go. Only with `tokenUrl`.
   * @default 'same-origin'
   */
  tokenUrlCredentials?: 'same-origin' | 'include';
  /**
   * Where tokens come from, for any token API: e.g. `clientCredentials({...})`
   * or `refreshTokenGrant({...})` from rx-bearer/oauth2, or a {@link TokenSource}
   * of your own. Exclusive with `apiKey`, `tokenUrl` and `transport`.
   */
  source?: TokenSource;
  /**
   * Accept `apiKey` in a browser (where `window` or `document` exists)
   * although anyone who opens the page can read it. @default false
   */
  dangerouslyAllowBrowser?: boolean;
  /** API root. Must be https unless the host is loopback or `allowInsecureHttp` is set. @default 'https://ws.api.video' */
  baseUrl?: string;
  /** How long before expiry to refresh, in ms; never more than half the token's lifetime. @default 60000 */
  refreshLeadTime?: number;
  /** Backoff for transient auth failures (network, timeout, 5xx, 429): exponential with full jitter. */
  retry?: RetryOptions;
  /** Time limit of each auth call, in ms. @default 10000 */
  requestTimeout?: number;
  /**
   * Origins besides baseUrl's that may receive the token, e.g. 'https://cdn.example.com':
   * http(s) origins without a path, https unless loopback or `allowInsecureHttp`. @default []
   */
  allowedOrigins?: readonly string[];
  /** 'timer' refreshes before expiry, 'unauthorized' on a 401, 'both' does both. @default 'both' */
  refreshOn?: RefreshOn;
  /** The fetch used for auth calls and `auth.fetch`. @default globalThis.fetch, else cross-fetch */
  fetch?: typeof fetch;
  /** Scheduler of every timer; a TestScheduler in marble tests. @default asyncScheduler */
  scheduler?: SchedulerLike;
  /** Replaces the HTTP calls to /auth/api-key and /auth/refresh. @default an HTTP transport on baseUrl */
  transport?: AuthTransport;
  /** Allow a plain-http baseUrl that is not loopback (the token would travel in clear). @default false */
  allowInsecureHttp?: boolean;
  /** Shares one session among processes, e.g. `redisTokenStore({ client })` from rx-bearer/redis. @default none: this process alone */
  store?: TokenStore;
}

/** The documented defaults; frozen, so that no code can change them for every client. */
export const DEFAULTS = Object.freeze({
  baseUrl: 'https://ws.api.video',
  refreshLeadTime: 60_000,
  // Math.random is looked up at each call, so a test's spy on it takes effect.
  retry: Object.freeze({ maxAttempts: 5, initialDelay: 500, maxDelay: 30_000, random: () => Math.random() }),
  requestTimeout: 10_000,
  refreshOn: 'both',
} as const);

/** Options after validation, with every default applied. */
export interface ResolvedOptions {
  readonly apiKey: Secret;
  /** Where the token and the API key may go (baseUrl, allowedOrigins, the auth routes, redirects). */
  readonly scope: CredentialScope;
  readonly refreshLeadTime: number;
  readonly retry: Readonly<Required<RetryOptions>>;
  readonly requestTimeout: number;
  readonly refreshOn: RefreshOn;
  readonly fetch: typeof fetch;
  readonly scheduler: SchedulerLike;
  readonly transport: AuthTransport;
  readonly store: TokenStore | undefined;
}

/** setTimeout's limit: a longer single wait fires at once. */
const MAX_TIMER = 2 ** 31 - 1;

function checkNumber(option: string, value: number, min: number, { integer = false, max = Infinity } = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    fail(option, DEV && `a finite ${integer ? 'integer' : 'number'} >= ${min}${max < Infinity ? ` and <= ${max}` : ''}`);
  }
  return value;
}

/** Whether this runs in a page (or a DOM test environment), where every shipped string is readable. */
const inBrowser = (): boolean => {
  const page = globalThis as { window?: unknown; document?: unknown };
  return page.window !== undefined || page.document !== undefined;
};

const browserKeyMessage = DEV
  ? '"apiKey" in a browser: anyone who opens the page can read it. Keep it on your server (rx-bearer/server) and pass tokenUrl, ' +
    'or for internal tools only, dangerouslyAllowBrowser: true'
  : '"apiKey" in a browser: pass tokenUrl (or dangerouslyAllowBrowser: true)';

/**
 * Validates once, up front: a bad option throws a TypeError naming it.
 * `currentToken` (the engine's valid token) lets the tokenUrl transport
 * tell its endpoint which token was refused.
 */
export function normalizeOptions(options: BearerAuthOptions, currentToken: () => string | null = () => null): ResolvedOptions {
  if (DEV && (options === null || typeof options !== 'object')) fail('options', 'an object');
  // Own properties only: a polluted Object.prototype must not choose where the key goes.
  options = Object.assign(Object.create(null) as BearerAuthOptions, options);
  const retryOptions: RetryOptions = Object.assign(Object.create(null) as RetryOptions, options.retry);
  const { apiKey, baseUrl = DEFAULTS.baseUrl, refreshLeadTime = DEFAULTS.refreshLeadTime } = options;
  const { requestTimeout = DEFAULTS.requestTimeout, refreshOn = DEFAULTS.refreshOn, allowedOrigins = [] } = options;
  const { fetch = defaultFetch, scheduler = asyncScheduler, transport, allowInsecureHttp = false, store } = options;
  const { tokenUrl, tokenUrlCredentials, dangerouslyAllowBrowser = false, source } = options;
  const { maxAttempts = DEFAULTS.retry.maxAttempts, initialDelay = DEFAULTS.retry.initialDelay } = retryOptions;
  const { maxDelay = DEFAULTS.retry.maxDelay, random = DEFAULTS.retry.random } = retryOptions;

  if (source !== undefined) {
    if (apiKey !== undefined || tokenUrl !== undefined || transport !== undefined) {
      fail('source', DEV && 'given without "apiKey", "tokenUrl" or "transport" (one of them says where tokens come from)');
    }
    if (typeof source?.token !== 'function') fail('source', DEV && 'an object with a token() method');
    if (source.confidential === true && inBrowser() && dangerouslyAllowBrowser !== true) throw new TypeError(browserKeyMessage.replace('"apiKey"', 'A source with a client secret'));
  } else if (tokenUrl !== undefined) {
    if (apiKey !== undefined) fail('tokenUrl', DEV && 'given without "apiKey" (one of them says where tokens come from)');
    if (transport !== undefined) fail('tokenUrl', DEV && 'given without "transport" (one of them says where tokens come from)');
  } else {
    if (typeof apiKey !== 'string' || apiKey.trim() === '') fail('apiKey', DEV && 'a non-empty string (or pass tokenUrl instead)');
    // A custom transport decides where the key goes (a test's marble transport sends it nowhere).
    if (transport === undefined && inBrowser() && dangerouslyAllowBrowser !== true) throw new TypeError(browserKeyMessage);
  }
  const scope = credentialScope({ baseUrl, allowedOrigins, allowInsecureHttp, tokenUrl, tokenUrlCredentials });
  checkNumber('refreshLeadTime', refreshLeadTime, 0);
  // Single waits (a timeout, a backoff delay) go to setTimeout, which fires at once beyond MAX_TIMER.
  checkNumber('requestTimeout', requestTimeout, 1, { max: MAX_TIMER });
  // Polite whatever the options say: at most 10 calls per cycle, however short the delays.
  checkNumber('retry.maxAttempts', maxAttempts, 1, { integer: true, max: 10 });
  checkNumber('retry.initialDelay', initialDelay, 0, { max: MAX_TIMER });
  checkNumber('retry.maxDelay', maxDelay, initialDelay, { max: MAX_TIMER });
  // Not a type check only: an unknown value would silently mean 'both', so every build refuses it.
  if (!['timer', 'unauthorized', 'both'].includes(refreshOn)) fail('refreshOn', DEV && "'timer', 'unauthorized' or 'both'");
  // Type checks that TypeScript makes at compile time: the browser production build leaves them out (DEV).
  if (DEV) {
    if (typeof random !== 'function') fail('retry.random', 'a function');
    if (typeof fetch !== 'function') fail('fetch', 'a function');
    if (typeof scheduler?.now !== 'function' || typeof scheduler.schedule !== 'function') fail('scheduler', 'an RxJS scheduler');
    if (transport !== undefined && (typeof transport?.login !== 'function' || typeof transport.refresh !== 'function')) {
      fail('transport', 'an object with login() and refresh() methods');
    }
    if (store !== undefined && typeof store?.open !== 'function') fail('store', 'a TokenStore');
  }

  return {
    // With tokenUrl there is no key: the transport ignores the empty one.
    // A source's shareAs stands for the key where a store names its session; with tokenUrl (or a source that cannot be shared) it is empty.
    apiKey: new Secret(source ? (source.shareAs ?? '') : (apiKey ?? '')),
    scope,
    refreshLeadTime,
    retry: { maxAttempts, initialDelay, maxDelay, random },
    requestTimeout,
    refreshOn,
    fetch,
    scheduler,
    transport: source ? sourceTransport(source) : scope.tokenUrl !== null ? tokenUrlTransport(scope.tokenUrl, fetch, currentToken, scope.tokenUrlCredentials) : (transport ?? httpTransport(scope, fetch)),
    store,
  };
}
