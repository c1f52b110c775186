import { DEV } from './dev.js';

/**
 * Every `code` an rx-bearer error can have, once: {@link RxBearerErrorCode}
 * is derived from it, and code that walks a cause chain (the CLI) uses it to
 * tell rx-bearer's codes from a system's (`ECONNREFUSED`, `ERR_TLS_…`).
 *
 * @example
 * const ours = (ERROR_CODES as readonly string[]).includes(String(error?.code)); // an rx-bearer code, not a system's
 */
export const ERROR_CODES = Object.freeze([
  'ERR_AUTH',
  'ERR_HTTP',
  'ERR_INVALID_TOKEN_RESPONSE',
  'ERR_NETWORK',
  'ERR_TIMEOUT',
  'ERR_RESPONSE_PARSE',
  'ERR_DISPOSED',
  'ERR_SERVER_RENDERING',
  'ERR_FETCH_UNAVAILABLE',
  'ERR_OAUTH_DISCOVERY',
] as const);

/**
 * Every error rx-bearer produces is an {@link RxBearerError} with a stable
 * `code`, so callers can `switch (err.code)` or use `instanceof`. Messages
 * never contain the API key or a refresh token: they name what went wrong,
 * not the values involved.
 */
export type RxBearerErrorCode = (typeof ERROR_CODES)[number];

/**
 * Marks rx-bearer's errors in the global symbol registry, which every copy of
 * the package shares (ESM and CJS loaded side by side), so the guard needs
 * no list of class names to keep in step (minifiers rename classes anyway).
 */
const brand = Symbol.for('rx-bearer.error');

/** Base class of every error rx-bearer produces. */
export class RxBearerError extends Error {
  override name = 'RxBearerError';
  readonly code: RxBearerErrorCode;

  constructor(code: RxBearerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Why authentication failed; see {@link AuthError}. */
export type AuthFailureReason =
  /** The server refused the API key (400, 401 or 403 on login). */
  | 'rejected'
  /** Network errors, timeouts, 5xx or 429 answers outlasted the retry budget. */
  | 'unavailable'
  /** A 429 asked to wait longer than `retry.maxDelay`. */
  | 'rate-limited'
  /** The server kept answering with something that is not a valid token response. */
  | 'invalid-response'
  /** An auth route answered with a redirect; auth calls carry a credential and never follow one. */
  | 'redirected';

/**
 * Login or refresh failed for good (after retries). It is what `state$`
 * reports in its `error` field and what requests waiting for a token receive.
 * `cause` holds the last underlying error.
 */
export class AuthError extends RxBearerError {
  // Its subclass FetchUnavailableError has a code of its own.
  static readonly code: 'ERR_AUTH' | 'ERR_FETCH_UNAVAILABLE' = 'ERR_AUTH';
  override name = 'AuthError';
  readonly reason: AuthFailureReason;
  /** HTTP status of the last auth call, when there was an answer. */
  readonly status: number | undefined;
  /** With 'rate-limited': how long (ms) the server asked to wait; no auth call is sent before then. */
  readonly retryAfter: number | undefined;

  constructor(reason: AuthFailureReason, message: string, options: { status?: number; cause?: unknown; retryAfter?: number } = {}) {
    super(AuthError.code, message, { cause: options.cause });
    this.reason = reason;
    this.status = options.status;
    this.retryAfter = options.retryAfter;
  }
}

/** A non-2xx HTTP answer: from an auth call, or from `auth.json()`. */
export class HttpError extends RxBearerError {
  static readonly code = 'ERR_HTTP';
  override name = 'HttpError';
  readonly status: number;
  readonly statusText: string;
  readonly url: string;
  /** The response body, parsed as JSON where it is JSON (e.g. api.video's problem details), else text. */
  readonly body: unknown;
  /** Response headers, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(init: { status: number; statusText?: string; url: string; body?: unknown; headers?: Record<string, string> }) {
    super(HttpError.code, `HTTP ${init.status}${init.statusText ? ` ${init.statusText}` : ''} from ${init.url}`);
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.url = init.url;
    this.body = init.body;
    this.headers = init.headers ?? {};
  }
}

/** The auth server answered 2xx, but not with a usable token response. */
export class InvalidTokenResponseError extends RxBearerError {
  static readonly code = 'ERR_INVALID_TOKEN_RESPONSE';
  override name = 'InvalidTokenResponseError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(InvalidTokenResponseError.code, `Invalid token response: ${message}`, options);
  }
}

/** fetch itself failed: connection refused or reset, DNS, CORS. */
export class NetworkError extends RxBearerError {
  static readonly code = 'ERR_NETWORK';
  override name = 'NetworkError';
  constructor(url: string, options?: { cause?: unknown }) {
    super(NetworkError.code, `Network error calling ${url}`, options);
  }
}

/** An auth call got no answer within `requestTimeout` (named for what timed out: a request's own deadline is its signal's). */
export class AuthTimeoutError extends RxBearerError {
  static readonly code = 'ERR_TIMEOUT';
  override name = 'AuthTimeoutError';
  constructor(what: string, ms: number) {
    super(AuthTimeoutError.code, `No answer to ${what} within ${ms} ms`);
  }
}

/** A 2xx answer to `auth.json()` whose body is not JSON. */
export class ResponseParseError extends RxBearerError {
  static readonly code = 'ERR_RESPONSE_PARSE';
  override name = 'ResponseParseError';
  constructor(url: string, options?: { cause?: unknown }) {
    super(ResponseParseError.code, `Response from ${url} is not valid JSON`, options);
  }
}

/** The BearerAuth was disposed; create a new one to continue. */
export class DisposedError extends RxBearerError {
  static readonly code = 'ERR_DISPOSED';
  override name = 'DisposedError';
  constructor() {
    super(DisposedError.code, DEV ? 'This BearerAuth was disposed; create a new one with createBearerAuth()' : 'disposed');
  }
}

/** rx-bearer/angular does not authenticate while rendering on the server unless told to (startOnServer). */
export class ServerRenderingError extends RxBearerError {
  static readonly code = 'ERR_SERVER_RENDERING';
  override name = 'ServerRenderingError';
  constructor() {
    super(ServerRenderingError.code, DEV ? 'rx-bearer does not authenticate while rendering on the server; pass startOnServer: true to provideBearerAuth() to allow it' : 'server rendering: see startOnServer');
  }
}

Object.defineProperty(RxBearerError.prototype, brand, { value: true }); // on the prototype: not printed with the error

/**
 * The class of each code the core's errors have, so that `isRxBearerError(e, code)` narrows `e` to
 * it. A code whose class lives in another entry point (`'ERR_OAUTH_DISCOVERY'`, rx-bearer/oauth2)
 * narrows to {@link RxBearerError} with that code: use `instanceof` for its class's fields.
 */
export interface RxBearerErrorOfCode {
  ERR_AUTH: AuthError;
  ERR_HTTP: HttpError;
  ERR_INVALID_TOKEN_RESPONSE: InvalidTokenResponseError;
  ERR_NETWORK: NetworkError;
  ERR_TIMEOUT: AuthTimeoutError;
  ERR_RESPONSE_PARSE: ResponseParseError;
  ERR_DISPOSED: DisposedError;
  ERR_SERVER_RENDERING: ServerRenderingError;
  /** A FetchUnavailableError: an AuthError with no fields of its own (its class is declared beside the fetch it stands for). */
  ERR_FETCH_UNAVAILABLE: AuthError;
}

/**
 * True for any rx-bearer error (optionally with a given code), also when two
 * copies of the package are loaded (ESM and CJS) and `instanceof` fails.
 * With a code, it narrows to that code's class, its `code` to that literal.
 * The narrowing carries the code (`HttpError & { code: 'ERR_HTTP' }`) so that
 * a false answer rules out only that code: a FetchUnavailableError is an
 * AuthError whose code is not 'ERR_AUTH', and stays possible after
 * `isRxBearerError(e, 'ERR_AUTH')` is false.
 *
 * @example
 * if (isRxBearerError(error, 'ERR_HTTP')) console.log(error.status); // error: HttpError
 */
export function isRxBearerError(error: unknown, code?: undefined): error is RxBearerError;
export function isRxBearerError<C extends RxBearerErrorCode>(error: unknown, code: C): error is (C extends keyof RxBearerErrorOfCode ? RxBearerErrorOfCode[C] : RxBearerError) & { readonly code: C };
/** A code that may be undefined: any rx-bearer error, or one with that code. */
export function isRxBearerError(error: unknown, code?: RxBearerErrorCode): error is RxBearerError;
export function isRxBearerError(error: unknown, code?: RxBearerErrorCode): boolean {
  const isOurs = error instanceof RxBearerError || (error instanceof Error && (error as unknown as Record<symbol, unknown>)[brand] === true);
  return isOurs && (code === undefined || (error as RxBearerError).code === code);
}

/**
 * The first system error code (ENOTFOUND, ECONNREFUSED, a TLS code...) down
 * an error's cause chain, where fetch and undici put it, so that a message can
 * name it; rx-bearer's own codes are passed over. An AggregateError (a refused
 * connection on IPv4 and IPv6) is followed through its first error.
 */
export function systemCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 8; depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === 'string' && !(ERROR_CODES as readonly string[]).includes(code)) return code;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}

/** The HTTP status an error carries, whoever made it (HttpError, Angular's HttpErrorResponse, AjaxError...). */
export const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
};
