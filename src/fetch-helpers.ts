import { Observable, type Subscriber } from 'rxjs';
import type { RequestPipeline, RequestPlan } from './authorized-request.js';
import { bearerCache, routeOf } from './bearer.js';
import { DEV } from './dev.js';
import { ResponseParseError } from './errors.js';
import type { Target } from './credential-scope.js';
import { readBody, startExchange, toHttpError } from './fetch-observable.js';
import type { ResolvedOptions } from './options.js';
import { discardBody, redirectingFetch } from './redirecting-fetch.js';
import { requestPreparer, type BearerRequestInit, type PreparedRequest } from './request-input.js';
import { TokenRefused, type SendPhase, type UnauthorizedPolicy } from './unauthorized.js';

/**
 * The body as JSON; a non-2xx answer is an HttpError, with `token` redacted if
 * the server echoes it. `foreign`: the request went to an origin outside the
 * credential scope, so it carried no token, and a 401 says so (the user sees a
 * 401 from an API and would blame the token).
 */
async function readJson<T>(response: Response, url: string, token: string | undefined, foreign: boolean): Promise<T> {
  if (!response.ok) {
    const error = toHttpError(response, url, await readBody(response, token), token);
    if (foreign && response.status === 401) error.message += DEV ? ' (rx-bearer sent no token: this origin is outside the credential scope; add it to allowedOrigins to send one)' : ' (no token sent: see allowedOrigins)';
    throw error;
  }
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

type Read<T> = (response: Response, url: string, token: string | undefined, foreign: boolean) => T | Promise<T>;

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

  /**
   * One request of auth.fetch/json as a plan for the pipeline: its data in
   * fields, its behaviour on the prototype, so that thousands in flight hold
   * little (no closure per request).
   */
  class FetchRequest<T> implements RequestPlan<T> {
    readonly target: Target;
    readonly init: RequestInit;
    readonly body: PreparedRequest['body'];
    readonly resendable: boolean;
    readonly signal: AbortSignal | null | undefined;
    constructor(prepared: PreparedRequest, readonly read: Read<T>, readonly accept: string | undefined) {
      ({ target: this.target, init: this.init, body: this.body, resendable: this.resendable } = prepared);
      this.signal = prepared.init.signal;
    }

    /** One send with `token` (null: none, outside the scope); in the 'first' phase a carried 401 fails with TokenRefused. */
    send(token: string | null, phase: SendPhase, subscriber: Subscriber<T>, failed: (error: unknown) => void): () => void {
      return startExchange(this.target.href, this.signal, (signal) => this.exchange(token, phase, signal), (value) => (subscriber.next(value), subscriber.complete()), failed);
    }

    async exchange(token: string | null, phase: SendPhase, signal: AbortSignal): Promise<T> {
      // A Request's body is read whole first (to be sendable again); the wait ends with the signal too.
      const body = this.body instanceof Promise ? await unlessAborted(this.body, signal) : this.body;
      const { response, url, carried } = await sendOnce(this.target, this.init, body, token === null ? null : bearer(token), this.accept, signal);
      if (carried) {
        if (response.status !== 401) policy.accepted(token!);
        else if (phase === 'first') {
          discardBody(response);
          throw new TokenRefused();
        } else policy.refusedWithoutResend(this, token!, phase);
      }
      // No token because of the origin (not an auth route, not a URL with a password): allowedOrigins is the answer.
      const foreign = token === null && response.status === 401 && this.target.origin !== 'null' && !scope.origins.has(this.target.origin);
      return this.read(response, url, token ?? undefined, foreign);
    }

    isRefusal(error: unknown): boolean {
      return isTokenRefused(error);
    }

    routeName(): string {
      return routeOf(this.init.method, this.target);
    }
  }

  function requestOf<T>(input: string | URL | Request, init: BearerRequestInit, read: Read<T>, accept?: string): Observable<T> {
    // One Observable per request; the pipeline runs on its subscriber (no second layer).
    return new Observable<T>((subscriber) => {
      const request = new FetchRequest(prepareRequest(input, init), read, accept);
      if (scope.allowsToken(request.target)) return pipeline.run(request, subscriber);
      // Outside the scope no token goes: the request waits for none and keeps no timer running, but ends with dispose().
      return pipeline.hold(subscriber) ? request.send(null, 'only', subscriber, (error) => subscriber.error(error)) : undefined;
    });
  }

  return {
    fetch: (input: string | URL | Request, init: BearerRequestInit = {}): Observable<Response> => requestOf(input, init, (response) => response),
    json: <T = unknown>(input: string | URL | Request, init: BearerRequestInit = {}): Observable<T> =>
      requestOf(input, init, readJson<T>, 'application/json'),
  };
}
