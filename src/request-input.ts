/** fetch's (input, init) as a URL, a RequestInit with a Headers object, and a body that can be sent again. */
export interface PreparedRequest {
  readonly url: string;
  readonly origin: string;
  readonly init: Omit<RequestInit, 'body'> & { headers: Headers };
  /** The body; a Request's is read once (a promise), so that a resend after a 401 or a redirect has it. */
  readonly body: BodyInit | null | undefined | Promise<ArrayBuffer | undefined>;
  /** Whether the body can be sent twice: a stream is consumed by the first send. */
  readonly resendable: boolean;
}

const isRequest = (input: unknown): input is Request => typeof Request !== 'undefined' && input instanceof Request;

function isResendable(body: unknown): boolean {
  return (
    body === undefined || body === null || typeof body === 'string' ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    body instanceof ArrayBuffer || ArrayBuffer.isView(body) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    body instanceof URLSearchParams
  );
}

/**
 * Normalises fetch's (input, init) for a client on `baseUrl`: relative URLs
 * resolve against baseUrl, and a Request is taken apart, its body read from
 * a clone (the caller's Request is left unread). init's fields win over the
 * Request's, as with fetch. Synchronous, so that marble tests of code using
 * auth.fetch/json stay in virtual time up to the fetch itself.
 */
export function requestPreparer(baseUrl: string) {
  const { origin: baseOrigin } = new URL(baseUrl);
  const resolveAgainst = `${baseUrl}/`;
  // On a baseUrl without a path, '/videos?page=2' is just appended: the
  // request's hot path skips a URL parse, and the origin cannot change, as
  // the authority ends where the path begins ('//' and '/\\' are parsed instead).
  const appends = (input: string) => baseOrigin === baseUrl && input[0] === '/' && input[1] !== '/' && input[1] !== '\\';

  return (input: string | URL | Request, { body, ...init }: RequestInit): PreparedRequest => {
    if (!isRequest(input)) {
      const { href, origin } = typeof input === 'string' && appends(input) ? { href: baseUrl + input, origin: baseOrigin } : new URL(input, resolveAgainst);
      return { url: href, origin, init: { ...init, headers: new Headers(init.headers) }, body, resendable: isResendable(body) };
    }
    const { url, method, headers, credentials, cache, redirect, referrerPolicy, keepalive, signal } = input;
    const fields = { method, credentials, cache, redirect, referrerPolicy, keepalive, signal };
    let read: Promise<ArrayBuffer | undefined> | undefined;
    if (body === undefined && input.body !== null) {
      read = input.clone().arrayBuffer();
      read.catch(() => {}); // a request that ends before sending never awaits it
    }
    return { url, origin: new URL(url).origin, init: { ...fields, ...init, headers: new Headers(init.headers ?? headers) }, body: read ?? body, resendable: read !== undefined || isResendable(body) };
  };
}
