import { defer, of, type Observable } from 'rxjs';

/** A request as a URL and a RequestInit whose headers are a Headers object and whose body can be sent again. */
export interface PreparedRequest {
  readonly url: string;
  readonly init: RequestInit & { headers: Headers };
}

const isRequest = (input: unknown): input is Request => typeof Request !== 'undefined' && input instanceof Request;

/**
 * Normalises fetch's (input, init): relative URLs resolve against baseUrl,
 * and a Request is taken apart, its body read once (from a clone, so the
 * caller's Request is left unread) so that it can be sent again after a 401
 * or a redirect. init's fields win over the Request's, as with fetch.
 * Synchronous unless there is a Request body to read, so that marble tests
 * of code using auth.fetch/json stay in virtual time up to the fetch itself.
 */
export function prepareRequest(input: string | URL | Request, init: RequestInit, baseUrl: string): Observable<PreparedRequest> {
  if (!isRequest(input)) return defer(() => of({ url: new URL(input, `${baseUrl}/`).href, init: { ...init, headers: new Headers(init.headers) } }));
  const { url, method, headers, credentials, cache, redirect, referrerPolicy, keepalive, signal } = input;
  return defer(async () => {
    const body = input.body === null ? undefined : await input.clone().arrayBuffer();
    const fields = { method, body, credentials, cache, redirect, referrerPolicy, keepalive, signal };
    return { url, init: { ...fields, ...init, headers: new Headers(init.headers ?? headers) } };
  });
}
