import { defer, map, type Observable } from 'rxjs';
import { authorizeWith } from './authorize.js';
import { ResponseParseError } from './errors.js';
import { fetchObservable, readBody, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import type { TokenEngine } from './token-engine.js';

/** Stands for a first 401: thrown to take the refresh-and-resend path, never seen by callers. */
const unauthorized = Object.freeze({ status: 401 });

/** Bodies that fetch can send twice; a stream is consumed by the first send. */
function isResendable(body: unknown): boolean {
  return (
    body === undefined || body === null || typeof body === 'string' ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    body instanceof ArrayBuffer || ArrayBuffer.isView(body) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    body instanceof URLSearchParams
  );
}

const isRequest = (input: unknown): input is Request => typeof Request !== 'undefined' && input instanceof Request;

/** The caller's headers: init's where given, else the Request's. */
const headersOf = (input: string | URL | Request, init: RequestInit) => new Headers(init.headers ?? (isRequest(input) ? input.headers : undefined));

async function readJson<T>(response: Response, url: string): Promise<T> {
  if (!response.ok) throw toHttpError(response, url, await readBody(response));
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ResponseParseError(response.url || url, { cause });
  }
}

/**
 * auth.fetch and auth.json. Relative URLs resolve against baseUrl; the token
 * goes only to baseUrl's origin and allowedOrigins, and a request elsewhere
 * is sent as it is, without starting the engine.
 */
export function createFetchHelpers(engine: TokenEngine, options: ResolvedOptions) {
  const retryOn401 = options.refreshOn !== 'timer';

  function request<T>(input: string | URL | Request, init: RequestInit, read: (response: Response, url: string) => T | Promise<T>): Observable<T> {
    return defer(() => {
      const url = new URL(isRequest(input) ? input.url : input, `${options.baseUrl}/`).href;
      const send = (token: string | null, last: boolean) => {
        const headers = headersOf(input, init);
        if (token !== null) headers.set('authorization', `Bearer ${token}`);
        // A Request is cloned for every attempt so that its body can be sent again.
        const target = isRequest(input) ? input.clone() : url;
        const sent = fetchObservable(options.fetch, target, url, { ...init, headers }, async (response) => {
          if (response.status !== 401 || last) return read(response, url);
          await response.body?.cancel();
          return unauthorized;
        });
        return sent.pipe(
          map((value) => {
            if (value === unauthorized) throw unauthorized;
            return value as T;
          }),
        );
      };
      if (!options.tokenOrigins.has(new URL(url).origin)) return send(null, true);
      const canResend = retryOn401 && (isRequest(input) || isResendable(init.body));
      return authorizeWith(engine, send, (error) => error === unauthorized, canResend);
    });
  }

  return {
    fetch: (input: string | URL | Request, init: RequestInit = {}): Observable<Response> => request(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: RequestInit = {}): Observable<T> => {
      const headers = headersOf(input, init);
      if (!headers.has('accept')) headers.set('accept', 'application/json');
      return request(input, { ...init, headers }, (response, url) => readJson<T>(response, url));
    },
  };
}
