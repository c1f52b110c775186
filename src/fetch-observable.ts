import { Observable } from 'rxjs';
import { HttpError, NetworkError, isRxBearerError } from './errors.js';
import { TokenRefused } from './unauthorized.js';
import { redact, redactedBody } from './redact.js';

/**
 * Starts one HTTP exchange for a subscriber: `exchange` runs in a microtask
 * with a fresh AbortSignal, and the returned teardown aborts it on the wire
 * unless it is done. The caller's own signal aborts it too, failing with the
 * caller's reason. A rejection of fetch or of reading a body becomes a
 * NetworkError; rx-bearer's own errors and TokenRefused pass through to
 * `failed` as they are.
 */
export function startExchange<T>(
  url: string,
  callerSignal: AbortSignal | null | undefined,
  exchange: (signal: AbortSignal) => Promise<T>,
  done: (value: T) => void,
  failed: (error: unknown) => void,
): () => void {
  const controller = new AbortController();
  let forwardAbort: (() => void) | undefined;
  if (callerSignal) {
    forwardAbort = () => controller.abort(callerSignal.reason);
    if (callerSignal.aborted) forwardAbort();
    else callerSignal.addEventListener('abort', forwardAbort, { once: true });
  }
  let settled = false;
  const fail = (error: unknown) => {
    settled = true;
    if (callerSignal?.aborted) failed(callerSignal.reason);
    else if (isRxBearerError(error) || error instanceof TokenRefused) failed(error);
    else failed(new NetworkError(url, { cause: error }));
  };

  // Started in a microtask: a synchronous unsubscribe (take(0), a switchMap
  // moving on at once) then sends nothing, where a fetch already called may have.
  queueMicrotask(() => {
    const { signal } = controller;
    if (signal.aborted) return fail(signal.reason);
    let answer: Promise<T>;
    try {
      answer = exchange(signal);
    } catch (error) {
      return fail(error); // an exchange that throws before its first await
    }
    answer.then((value) => {
      settled = true;
      done(value);
    }, fail);
  });

  return () => {
    if (forwardAbort) callerSignal?.removeEventListener('abort', forwardAbort);
    if (!settled) controller.abort();
  };
}

/** One HTTP exchange as a cold Observable (see startExchange): each subscription runs `exchange` once. */
export function fetchObservable<T>(url: string, callerSignal: AbortSignal | null | undefined, exchange: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) =>
    startExchange(url, callerSignal, exchange, (value) => (subscriber.next(value), subscriber.complete()), (error) => subscriber.error(error)),
  );
}

/** The HttpError for a non-2xx answer whose body was read already; `secret`, if the status text or a header echoes it, is redacted. */
export function toHttpError(response: Response, url: string, body: unknown, secret?: string): HttpError {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = redact(value, secret);
  });
  return new HttpError({ status: response.status, statusText: redact(response.statusText, secret), url: response.url || url, body, headers });
}

/** A body's text as JSON where it parses, else as text (e.g. an HTML error page); `secret`, if the server echoes it, is redacted (see redactedBody). */
export const parseBody = redactedBody;

/** The body, read whole, as {@link parseBody} makes it. */
export async function readBody(response: Response, secret?: string): Promise<unknown> {
  return parseBody(await response.text(), secret);
}
