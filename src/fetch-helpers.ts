import { of, switchMap, throwError, type Observable } from 'rxjs';
import { authorizeWith } from './authorize.js';
import { NetworkError, ResponseParseError } from './errors.js';
import { fetchObservable, readBody, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import { MAX_REDIRECTS, followsRedirectsItself, nextHop } from './redirects.js';
import { prepareRequest, type PreparedRequest } from './request-input.js';
import type { TokenEngine } from './token-engine.js';

/** Stands for a first 401: thrown to take the refresh-and-resend path, never seen by callers. */
const unauthorized = Object.freeze({ status: 401 });
const isUnauthorized = (value: unknown): value is typeof unauthorized => value === unauthorized;

type Hop = { url: string; init: PreparedRequest['init'] };
type Outcome<T> = typeof unauthorized | { next: Hop } | { value: T };

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

/** Frees the connection of an answer nobody will read (a web stream, or node-fetch's Node stream). */
async function discardBody(response: Response): Promise<void> {
  try {
    if (typeof response.body?.cancel === 'function') await response.body.cancel();
    else await response.arrayBuffer();
  } catch {
    /* the body is not wanted anyway */
  }
}

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
 * auth.fetch and auth.json. The token goes only to baseUrl's origin and
 * allowedOrigins, at every hop of a redirect too; a request elsewhere is sent
 * as it is, without starting the engine.
 */
export function createFetchHelpers(engine: TokenEngine, options: ResolvedOptions) {
  const retryOn401 = options.refreshOn !== 'timer';
  const mayCarryToken = (url: string) => options.tokenOrigins.has(new URL(url).origin);

  function request<T>(input: string | URL | Request, init: RequestInit, read: (response: Response, url: string) => T | Promise<T>, accept?: string): Observable<T> {
    const prepared = prepareRequest(input, init, options.baseUrl);
    return engine.bound(
      prepared.pipe(
        switchMap(({ url, init: first }) => {
          if (accept && !first.headers.has('accept')) first.headers.set('accept', accept);
          const followHere = followsRedirectsItself && (first.redirect ?? 'follow') === 'follow';

          /** One hop; `last` says a 401 goes to the caller rather than to a refresh. */
          const hop = ({ url: hopUrl, init: hopInit }: Hop, token: string | null, last: boolean, hops: number): Observable<T> => {
            const headers = new Headers(hopInit.headers);
            if (token !== null && mayCarryToken(hopUrl)) headers.set('authorization', `Bearer ${token}`);
            else if (new URL(hopUrl).origin !== new URL(url).origin) headers.delete('authorization'); // as fetch does across origins
            const sent = fetchObservable(options.fetch, hopUrl, { ...hopInit, headers, ...(followHere ? { redirect: 'manual' } : {}) }, async (response): Promise<Outcome<T>> => {
              const next = followHere ? nextHop(response, hopUrl, hopInit) : undefined;
              if (next && hops >= MAX_REDIRECTS) throw new NetworkError(hopUrl, { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
              // A 401 from a host the token did not go to says nothing about the token.
              const refusedToken = response.status === 401 && token !== null && mayCarryToken(response.url || hopUrl);
              if (next || (refusedToken && !last)) await discardBody(response);
              if (next) return { next };
              return refusedToken && !last ? unauthorized : { value: await read(response, hopUrl) };
            });
            return sent.pipe(
              switchMap((outcome) => {
                if (isUnauthorized(outcome)) return throwError(() => unauthorized);
                return 'next' in outcome ? hop(outcome.next, token, last, hops + 1) : of(outcome.value);
              }),
            );
          };

          const send = (token: string | null, last: boolean) => hop({ url, init: first }, token, last, 0);
          if (!mayCarryToken(url)) return send(null, true);
          return authorizeWith(engine, send, isUnauthorized, retryOn401 && isResendable(first.body));
        }),
      ),
    );
  }

  return {
    fetch: (input: string | URL | Request, init: RequestInit = {}): Observable<Response> => request(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: RequestInit = {}): Observable<T> =>
      request(input, init, (response, url) => readJson<T>(response, url), 'application/json'),
  };
}
