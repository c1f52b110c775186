import { Observable } from 'rxjs';
import type { RequestPipeline, RequestPlan } from './authorized-request.js';
import { bearerCache, routeOf } from './bearer.js';
import { ResponseParseError } from './errors.js';
import { fetchObservable, readBody, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import { discardBody, redirectingFetch } from './redirecting-fetch.js';
import { requestPreparer, type PreparedRequest } from './request-input.js';
import { TokenRefused, type SendPhase, type UnauthorizedPolicy } from './unauthorized.js';

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

/** `promise`'s outcome, or the signal's reason as soon as it aborts: a Request body that never ends does not hold a request. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** One request of auth.fetch/json: plain data and the plan's methods, so that thousands in flight hold little. */
interface Sendable<T> extends PreparedRequest, RequestPlan<T> {
  /** Hands the answer to the caller; `token` is the one the request carried, if any (redacted from an error). */
  readonly read: (response: Response, url: string, token: string | undefined) => T | Promise<T>;
  readonly accept: string | undefined;
  readonly resendable: boolean;
  /** Without a token (null) for a request outside the scope. */
  send(token: string | null, phase: SendPhase): Observable<T>;
}

const isTokenRefused = (error: unknown): boolean => error instanceof TokenRefused;

/**
 * auth.fetch and auth.json: plans for the request pipeline. The credential
 * scope decides where the token goes: a request outside it is sent as it
 * is, without the pipeline (it carries no token, so it waits for none); one
 * inside it carries the token, through this client's redirecting fetch.
 */
export function createFetchHelpers(pipeline: RequestPipeline, policy: UnauthorizedPolicy, options: ResolvedOptions) {
  const { scope } = options;
  const prepareRequest = requestPreparer(scope);
  const bearer = bearerCache();
  const sendOnce = redirectingFetch(options.fetch, scope);

  /** One send of `request` with `token` (null: none); in the 'first' phase a carried 401 takes the resend path. */
  async function exchange<T>(request: Sendable<T>, token: string | null, phase: SendPhase, signal: AbortSignal): Promise<T> {
    // A Request's body is read whole first (to be sendable again); the wait ends with the signal too.
    const body = request.body instanceof Promise ? await unlessAborted(request.body, signal) : request.body;
    const { response, url, carried } = await sendOnce(request.target, request.init, body, token === null ? null : bearer(token), request.accept, signal);
    if (response.status === 401 && carried) {
      if (phase === 'resend') policy.refusedAgain(request.route, token!);
      if (phase === 'first') {
        discardBody(response);
        throw new TokenRefused();
      }
    }
    return request.read(response, url, token ?? undefined);
  }

  /** The plan's send, shared by every request (a method, not a closure per request). */
  function send<T>(this: Sendable<T>, token: string | null, phase: SendPhase): Observable<T> {
    return fetchObservable(this.target.href, this.init.signal, (signal) => exchange(this, token, phase, signal));
  }

  function requestOf<T>(input: string | URL | Request, init: RequestInit, read: Sendable<T>['read'], accept?: string): Observable<T> {
    // One Observable per request; the pipeline runs on its subscriber (no second layer).
    return new Observable<T>((subscriber) => {
      const prepared = prepareRequest(input, init);
      const route = () => routeOf(prepared.init.method, prepared.target);
      const request: Sendable<T> = Object.assign(prepared, { read, accept, send, isRefusal: isTokenRefused, route, signal: prepared.init.signal });
      if (scope.allowsToken(request.target)) return pipeline.run(request, subscriber);
      // Outside the scope no token goes: the request waits for none and keeps no timer running, but ends with dispose().
      return pipeline.hold(subscriber) ? request.send(null, 'only').subscribe(subscriber) : undefined;
    });
  }

  return {
    fetch: (input: string | URL | Request, init: RequestInit = {}): Observable<Response> => requestOf(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: RequestInit = {}): Observable<T> =>
      requestOf(input, init, (response, url, token) => readJson<T>(response, url, token), 'application/json'),
  };
}
