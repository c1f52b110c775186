import { DEV } from './dev.js';
import type { CredentialScope, Target } from './credential-scope.js';

/** fetch's (input, init) as a URL, a RequestInit with a Headers object, and a body that can be sent again. */
export interface PreparedRequest {
  /** The URL, resolved once by the credential scope. */
  readonly target: Target;
  /** The other fields, the body left out (see `body`); the headers as given (see sendHeaders). */
  readonly init: RequestInit;
  /** The body; a Request's is read once (a promise), so that a resend after a 401 or a redirect has it. */
  readonly body: BodyInit | null | undefined | Promise<ArrayBuffer | undefined>;
  /** Whether the body can be sent twice: a stream is consumed by the first send. */
  readonly resendable: boolean;
}

/** fetch's init, plus `json`: a value sent as its JSON text, with `content-type: application/json` unless the headers name one (as ky does). */
export interface BearerRequestInit extends RequestInit {
  /** Sent as `JSON.stringify(json)`; not with `body`. */
  json?: unknown;
}

/** `init` with its `json` turned into the body and a content type; a value JSON cannot carry is a TypeError, before any send. */
function withJson(init: BearerRequestInit): RequestInit {
  if (init.json === undefined) return init;
  if (init.body !== undefined && init.body !== null) throw new TypeError(DEV ? 'rx-bearer: a request takes `json` or `body`, not both' : 'rx-bearer: json and body');
  const { json, ...rest } = init;
  const body: string | undefined = JSON.stringify(json); // a BigInt or a cycle throws its own TypeError, naming no value
  if (body === undefined) throw new TypeError(DEV ? 'rx-bearer: `json` must be a value JSON can carry (not a function or a symbol)' : 'rx-bearer: bad json');
  const headers = new Headers(rest.headers);
  if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  return Object.assign(rest, { body, headers });
}

/** A Request of this platform or of another fetch (node-fetch's, inside cross-fetch), known by its shape. */
const isRequest = (input: unknown): input is Request =>
  (typeof Request !== 'undefined' && input instanceof Request) ||
  (typeof input === 'object' && input !== null && !(input instanceof URL) && typeof (input as Request).url === 'string' && typeof (input as Request).clone === 'function');

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
 * Normalises fetch's (input, init) for a client on `scope`: relative URLs
 * resolve against baseUrl (by the scope, which decides where the token
 * goes), and a Request is taken apart, its body read from a clone (the
 * caller's Request is left unread). init's fields win over the Request's, as
 * with fetch. Synchronous, so that marble tests of code using auth.fetch/json
 * stay in virtual time up to the fetch itself.
 */
export function requestPreparer(scope: CredentialScope) {
  const resolve = (url: unknown): Target => {
    if (typeof url !== 'string' && !(url instanceof URL)) throw new TypeError(DEV ? 'rx-bearer: a request takes a URL string, a URL or a Request' : 'rx-bearer: bad input');
    const target = scope.resolve(url);
    if (target === null) throw new TypeError(DEV ? 'rx-bearer: the request URL does not parse' : 'rx-bearer: bad URL');
    // fetch refuses these too; refused here, the password never reaches an error message.
    if (/^[a-z][a-z\d+.-]*:\/\/[^/?#]*@/i.test(target.href)) throw new TypeError(DEV ? 'rx-bearer: the request URL must not contain a user name or password' : 'rx-bearer: URL with credentials');
    return target;
  };
  /**
   * Targets by URL string: an app requests a handful of URLs again and
   * again, and resolving one depends on nothing else. Bounded; forgetting
   * costs the next request one resolution.
   */
  const targets = new Map<string, Target>();
  const targetOf = (url: unknown): Target => {
    if (typeof url !== 'string') return resolve(url);
    let target = targets.get(url);
    if (target === undefined) {
      target = Object.freeze(resolve(url));
      if (targets.size >= 256) targets.clear();
      targets.set(url, target);
    }
    return target;
  };

  return (input: string | URL | Request, given: BearerRequestInit): PreparedRequest => {
    const init = withJson(given);
    const { body } = init;
    if (!isRequest(input)) {
      // Object.assign rather than `{ ...init, body: undefined }`: see the note in fetch-helpers' exchange.
      return { target: targetOf(input), init: Object.assign({}, init, { body: undefined }), body, resendable: isResendable(body) };
    }
    const { url, method, headers, credentials, cache, redirect, referrerPolicy, keepalive, signal } = input;
    const fields = { method, credentials, cache, redirect, referrerPolicy, keepalive, signal };
    let read: Promise<ArrayBuffer | undefined> | undefined;
    if (body === undefined && input.body !== null) {
      read = input.clone().arrayBuffer();
      read.catch(() => {}); // a request that ends before sending never awaits it
    }
    return { target: targetOf(url), init: { ...fields, ...init, body: undefined, headers: init.headers ?? headers }, body: read ?? body, resendable: read !== undefined || isResendable(body) };
  };
}

/**
 * The headers of one send: the caller's, `accept` unless they name one, and
 * `authorization` (the header's value); where the token may not go (`strip`),
 * no Authorization at all.
 * A plain object when the caller gave none, the usual case: a Headers holds
 * about four times the memory, and fetch builds its own from either.
 */
export function sendHeaders(given: HeadersInit | undefined, authorization: string | null, strip: boolean, accept: string | undefined): HeadersInit {
  if (given === undefined) {
    if (authorization === null) return accept ? { accept } : {};
    return accept ? { accept, authorization } : { authorization };
  }
  const headers = new Headers(given);
  if (accept && !headers.has('accept')) headers.set('accept', accept);
  if (authorization !== null) headers.set('authorization', authorization);
  else if (strip) headers.delete('authorization');
  return headers;
}
