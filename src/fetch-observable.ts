import { Observable } from 'rxjs';
import { HttpError, NetworkError, isRxBearerError } from './errors.js';

/**
 * One fetch as a cold Observable: each subscription sends the request once,
 * `read` turns the Response into the emitted value (reading the body is part
 * of the request), and unsubscribing before that is done aborts the request
 * on the wire. A rejection of fetch or of reading the body becomes a
 * NetworkError; errors thrown by `read` itself pass through.
 */
export function fetchObservable<T>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  read: (response: Response) => T | Promise<T>,
): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const callerSignal = init.signal;
    const forwardAbort = () => controller.abort(callerSignal?.reason);
    if (callerSignal?.aborted) forwardAbort();
    else callerSignal?.addEventListener('abort', forwardAbort, { once: true });
    let settled = false;

    Promise.resolve()
      .then(() => (controller.signal.aborted ? Promise.reject(controller.signal.reason) : fetchImpl(url, { ...init, signal: controller.signal })))
      .then(read)
      .then(
        (value) => {
          settled = true;
          subscriber.next(value);
          subscriber.complete();
        },
        (error: unknown) => {
          settled = true;
          if (callerSignal?.aborted) subscriber.error(callerSignal.reason);
          else if (isRxBearerError(error)) subscriber.error(error);
          else subscriber.error(new NetworkError(url, { cause: error }));
        },
      );

    return () => {
      callerSignal?.removeEventListener('abort', forwardAbort);
      if (!settled) controller.abort();
    };
  });
}

/** The HttpError for a non-2xx answer whose body was read already. */
export function toHttpError(response: Response, url: string, body: unknown): HttpError {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  return new HttpError({ status: response.status, statusText: response.statusText, url: response.url || url, body, headers });
}

/** The body as JSON where it parses, else as text (e.g. an HTML error page). */
export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return text;
  }
}
