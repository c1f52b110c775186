import { Observable, type Subscriber } from 'rxjs';
import { firstSend, resendRenewed, type SendPhase } from './authorize.js';
import { NetworkError, ResponseParseError } from './errors.js';
import { UNAUTHORIZED, fetchObservable, isUnauthorizedAnswer, readBody, startExchange, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import { MAX_REDIRECTS, followsItself, learnHidesRedirects, nextHop, type Hop } from './redirects.js';
import { requestPreparer, sendHeaders, type PreparedRequest } from './request-input.js';
import type { TokenEngine } from './token-engine.js';

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

/** The body as JSON; a non-2xx answer is an HttpError, with `token` redacted if the server echoes it. */
async function readJson<T>(response: Response, url: string, token: string | undefined): Promise<T> {
  if (!response.ok) throw toHttpError(response, url, await readBody(response, token), token);
  const text = await response.text();
  if (text === '') return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ResponseParseError(response.url || url, { cause });
  }
}

const safeMethods = new Set(['GET', 'HEAD']);

/** `promise`'s outcome, or the signal's reason as soon as it aborts: a Request body that never ends does not hold a request. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** `make()`'s Observable, failing with the signal's reason as soon as it aborts (as fetch does); already aborted: never made. */
function untilAborted<T>(signal: AbortSignal | null | undefined, make: () => Observable<T>): Observable<T> {
  if (!signal) return make();
  return new Observable<T>((subscriber) => {
    const abort = () => subscriber.error(signal.reason);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    subscriber.add(() => signal.removeEventListener('abort', abort));
    subscriber.add(make().subscribe(subscriber));
  });
}

/** One request, as the helpers carry it from send to send: plain data, so that thousands in flight hold little. */
interface Sendable<T> extends PreparedRequest {
  /** Hands the answer to the caller; `token` is the one it was sent with, if any. */
  readonly read: (response: Response, url: string, token: string | undefined) => T | Promise<T>;
  readonly accept: string | undefined;
}

/** The route a 401 verdict is kept for, e.g. 'GET https://ws.api.video/videos'. */
const routeOf = ({ init, target }: PreparedRequest): string => `${(init.method ?? 'GET').toUpperCase()} ${target.origin}${target.pathname}`;

/**
 * auth.fetch and auth.json. The credential scope decides where the token
 * goes: a request outside it is handed to fetch as it is, without starting
 * the engine; one inside it carries the token, and its redirects are
 * followed hop by hop here (see nextHop) wherever the fetch shows them.
 */
export function createFetchHelpers(engine: TokenEngine, options: ResolvedOptions) {
  const { scope, fetch: fetchImpl } = options;
  const retryOn401 = options.refreshOn !== 'timer';
  const prepareRequest = requestPreparer(scope);
  /**
   * `Bearer <token>`, one string for every request of one token: a JWT is
   * hundreds of bytes, and each request in flight would hold its own copy.
   * Kept by this client only, and gone with it.
   */
  let lastBearer = { token: '', header: '' };
  const bearer = (token: string): string => {
    if (lastBearer.token !== token) lastBearer = { token, header: `Bearer ${token}` };
    return lastBearer.header;
  };

  /**
   * One send of `request` with `token`, following redirects; in the 'first'
   * phase a 401 takes the refresh path, otherwise it goes to the caller.
   */
  async function exchange<T>(request: Sendable<T>, token: string | null, phase: SendPhase, signal: AbortSignal): Promise<T> {
    const { target, init: first, accept } = request;
    // A Request's body is read whole first (to be sendable again); the wait ends with the signal too.
    const body = request.body instanceof Promise ? await unlessAborted(request.body, signal) : request.body;
    // Without the token the request is the caller's own: fetch follows as it would anyway.
    const followHere = token !== null && (first.redirect ?? 'follow') === 'follow' && !followsItself(fetchImpl);
    let hop: Hop = { target, init: first, dropped: false };
    for (let hops = 0; ; hops++) {
      // The first hop's answer is known (tokenGoes); a later one is asked again.
      const allowed = token !== null && !hop.dropped && (hops === 0 || scope.allowsToken(hop.target));
      // Object.assign, not a spread with added fields: V8 11 (Node 20) takes a slow path for
      // `{ ...init, signal }` that cost about 2 µs per request, a third of the hot path.
      const sent: RequestInit = Object.assign({}, hop.init, {
        headers: sendHeaders(hop.init.headers, allowed ? bearer(token) : null, token !== null, accept),
        body: hop.init.method === 'GET' && hops > 0 ? undefined : body,
        signal,
        redirect: followHere ? 'manual' : hop.init.redirect,
      });
      let response = await fetchImpl(hop.target.href, sent);
      if (followHere && response.type === 'opaqueredirect') response = await followedByFetch(hop, sent);
      const next = followHere ? nextHop(response, hop, scope) : undefined;
      if (next) {
        if (hops >= MAX_REDIRECTS) throw new NetworkError(hop.target.href, { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
        await discardBody(response);
        hop = next;
        continue;
      }
      // A 401 from where the token did not go says nothing about the token.
      // After a redirect the fetch followed itself (a browser), where the token went is unknown: not an answer to it.
      const carried = allowed && !response.redirected;
      if (response.status === 401 && carried) {
        // A token fresh from a refresh refused too: this route refuses the token, not a stale one.
        if (phase === 'resend') engine.refused(routeOf(request), token);
        if (phase === 'first') {
          await discardBody(response);
          throw UNAUTHORIZED;
        }
      }
      return request.read(response, hop.target.href, allowed ? token : undefined);
    }
  }

  /**
   * This fetch hides redirects (a browser): from now on it follows them
   * itself, dropping the token across origins. A safe method is sent
   * again that way; any other might repeat its effect, so it fails.
   */
  function followedByFetch(hop: Hop, sent: RequestInit): Promise<Response> {
    learnHidesRedirects(fetchImpl);
    if (!safeMethods.has((hop.init.method ?? 'GET').toUpperCase())) {
      throw new NetworkError(hop.target.href, { cause: new Error('the server redirected this request, and this fetch hides redirects; it follows them from the next request on') });
    }
    return fetchImpl(hop.target.href, { ...sent, redirect: 'follow' });
  }

  /**
   * One exchange of `request` with `token`, on the caller's subscriber. While
   * a 401 may take the refresh path, the renew-and-resend chain is built only
   * if one comes. Module-level rather than a closure per request: thousands
   * may be in flight, and each would keep its own copy.
   */
  function attempt<T>(request: Sendable<T>, subscriber: Subscriber<T>, token: string) {
    const callerSignal = request.init.signal;
    const route = () => routeOf(request);
    const phase = firstSend(engine, retryOn401 && request.resendable, token, route);
    return startExchange(
      request.target.href, callerSignal, (signal) => exchange(request, token, phase, signal),
      (value) => (subscriber.next(value), subscriber.complete()),
      (error) => {
        if (!isUnauthorizedAnswer(error)) return subscriber.error(error);
        // Waiting for the renewed token, the caller's signal is honoured as on the way in.
        subscriber.add(untilAborted(callerSignal, () => resendRenewed(engine, sender(request), isUnauthorizedAnswer, token, route)).subscribe(subscriber));
      },
    );
  }

  /** `request` sent with `token` as a cold Observable, for the chains that wait or resend. */
  const sender = <T>(request: Sendable<T>) => (token: string | null, phase: SendPhase) =>
    fetchObservable(request.target.href, request.init.signal, (signal) => exchange(request, token, phase, signal));

  function requestOf<T>(input: string | URL | Request, init: RequestInit, read: Sendable<T>['read'], accept?: string): Observable<T> {
    // One Observable per request, holding the engine while under way (engine.bound's bookkeeping, without a second layer).
    return new Observable<T>((subscriber) => {
      const prepared = prepareRequest(input, init);
      const request: Sendable<T> = Object.assign(prepared, { read, accept });
      const callerSignal = request.init.signal;
      // A request outside the scope carries no token: it ends with dispose() but keeps no timer running.
      const tokenGoes = scope.allowsToken(request.target);
      if (!engine.hold(subscriber, tokenGoes)) return undefined;
      if (!tokenGoes) return sender(request)(null, 'only').subscribe(subscriber);
      // The fast lane, every request's while a token is valid.
      const token = engine.tokenAtHand();
      if (token !== null) return attempt(request, subscriber, token);
      // Otherwise the wait for the next token, shared with every request that waits; the caller's
      // signal is honoured meanwhile, and an aborted one starts nothing.
      return untilAborted(callerSignal, engine.nextToken).subscribe({
        next: (fresh) => subscriber.add(attempt(request, subscriber, fresh)),
        error: (error: unknown) => subscriber.error(error),
      });
    });
  }

  return {
    fetch: (input: string | URL | Request, init: RequestInit = {}): Observable<Response> => requestOf(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: RequestInit = {}): Observable<T> =>
      requestOf(input, init, (response, url, token) => readJson<T>(response, url, token), 'application/json'),
  };
}
