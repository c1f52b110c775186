import type { Observable } from 'rxjs';
import { authorizeWith } from './authorize.js';
import { NetworkError, ResponseParseError } from './errors.js';
import { UNAUTHORIZED, fetchObservable, isUnauthorizedAnswer, readBody, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import { MAX_REDIRECTS, followsRedirectsItself, nextHop } from './redirects.js';
import { requestPreparer } from './request-input.js';
import type { TokenEngine } from './token-engine.js';

const originOf = (url: string) => new URL(url).origin;

/** Frees the connection of an answer nobody will read (a web stream, or node-fetch's Node stream). */
async function discardBody(response: Response): Promise<void> {
  // Never awaited: a Response whose stream is shared with an unread clone
  // (msw, service workers, caches) never settles cancel(), and the request
  // would hang. Cancelling is a courtesy to the connection, not a step to wait on.
  const swallow = () => undefined;
  try {
    if (typeof response.body?.cancel === 'function') response.body.cancel().catch(swallow);
    else response.arrayBuffer().catch(swallow);
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
  const mayCarryToken = (url: string) => options.tokenOrigins.has(originOf(url));
  const prepareRequest = requestPreparer(options.baseUrl);

  function request<T>(input: string | URL | Request, init: RequestInit, read: (response: Response, url: string) => T | Promise<T>, accept?: string): Observable<T> {
    return engine.bound(() => {
      const { url, origin, init: first, body: pendingBody, resendable } = prepareRequest(input, init);
      const tokenGoesToUrl = options.tokenOrigins.has(origin);
      if (accept && !first.headers.has('accept')) first.headers.set('accept', accept);
      const followHere = followsRedirectsItself && (first.redirect ?? 'follow') === 'follow';

      /**
       * One send with `token`, following redirects; `last` says a 401 goes
       * to the caller rather than to a refresh.
       */
      const exchange = async (token: string | null, last: boolean, signal: AbortSignal): Promise<T> => {
        const body = pendingBody instanceof Promise ? await pendingBody : pendingBody;
        let hop = { url, init: body === undefined ? first : { ...first, body } };
        for (let hops = 0; ; hops++) {
          // The hop's headers are this request's own copy: setting the token again on a resend is safe.
          const { headers } = hop.init;
          if (token !== null && (hops === 0 ? tokenGoesToUrl : mayCarryToken(hop.url))) headers.set('authorization', `Bearer ${token}`);
          else if (hops > 0 && originOf(hop.url) !== origin) headers.delete('authorization'); // as fetch does across origins
          const sent: RequestInit = { ...hop.init, signal };
          if (followHere) sent.redirect = 'manual';
          const response = await options.fetch(hop.url, sent);
          const next = followHere ? nextHop(response, hop.url, hop.init) : undefined;
          if (next) {
            if (hops >= MAX_REDIRECTS) throw new NetworkError(hop.url, { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
            await discardBody(response);
            hop = next;
            continue;
          }
          // A 401 from a host the token did not go to says nothing about the token.
          if (!last && response.status === 401 && token !== null && mayCarryToken(response.url || hop.url)) {
            await discardBody(response);
            throw UNAUTHORIZED;
          }
          return read(response, hop.url);
        }
      };

      const send = (token: string | null, last: boolean) => fetchObservable(url, first.signal, (signal) => exchange(token, last, signal));
      if (!tokenGoesToUrl) return send(null, true);
      return authorizeWith(engine, send, isUnauthorizedAnswer, retryOn401 && resendable);
    });
  }

  return {
    fetch: (input: string | URL | Request, init: RequestInit = {}): Observable<Response> => request(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: RequestInit = {}): Observable<T> =>
      request(input, init, (response, url) => readJson<T>(response, url), 'application/json'),
  };
}
