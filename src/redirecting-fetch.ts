import { DEV } from './dev.js';
import type { CredentialScope, Target } from './credential-scope.js';
import { NetworkError } from './errors.js';
import { MAX_REDIRECTS, nextHop, type Hop } from './redirects.js';
import { sendHeaders } from './request-input.js';

/** What one send brought back. */
export interface Answer {
  readonly response: Response;
  /** The URL the answer came from. */
  readonly url: string;
  /** Whether the token reached where the answer came from: a 401 from anywhere else says nothing about it. */
  readonly carried: boolean;
}

const safeMethods = new Set(['GET', 'HEAD']);

/** Frees the connection of an answer nobody will read (a web stream, or node-fetch's Node stream). */
export function discardBody(response: Response): void {
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

/**
 * A fetch decorator for one client (the shape of undici's httpRedirectFetch):
 * a request that carries the token has its redirects followed here, hop by
 * hop, so that the credential scope decides at each hop whether the token
 * goes on (see nextHop). A fetch that hides redirects (browsers and service
 * workers answer `redirect: 'manual'` with an opaque redirect) is learnt from
 * its first opaque redirect and then follows them itself, dropping
 * credentials across origins as the Fetch standard says; this client
 * remembers that, no other. Without the token, a request is the caller's
 * own: fetch follows as it would anyway.
 */
export function redirectingFetch(fetchImpl: typeof fetch, scope: CredentialScope) {
  let hidesRedirects = false;

  /** The fetch hid a redirect: a safe method is sent again with 'follow'; any other might repeat its effect, so it fails. */
  function followedByFetch(hop: Hop, sent: RequestInit): Promise<Response> {
    hidesRedirects = true;
    if (!safeMethods.has((hop.init.method ?? 'GET').toUpperCase())) {
      throw new NetworkError(hop.target.href, { cause: new Error(DEV ? 'the server redirected this request, and this fetch hides redirects; it follows them from the next request on' : 'hidden redirect') });
    }
    return fetchImpl(hop.target.href, { ...sent, redirect: 'follow' });
  }

  /** Sends `init` (its body given apart) to `target`, with `authorization` (the header's value) where the scope allows it. */
  return async function send(target: Target, init: RequestInit, body: BodyInit | null | undefined, authorization: string | null, accept: string | undefined, signal: AbortSignal): Promise<Answer> {
    const withToken = authorization !== null;
    const followHere = withToken && (init.redirect ?? 'follow') === 'follow' && !hidesRedirects;
    let hop: Hop = { target, init, dropped: false };
    for (let hops = 0; ; hops++) {
      // The first hop's answer is known (the caller asked the scope); a later one is asked again.
      const allowed = withToken && !hop.dropped && (hops === 0 || scope.allowsToken(hop.target));
      // Object.assign, not a spread with added fields: V8 11 (Node 20) takes a slow path for
      // `{ ...init, signal }` that cost about 2 µs per request, a third of the hot path.
      const sent: RequestInit = Object.assign({}, hop.init, {
        headers: sendHeaders(hop.init.headers, allowed ? authorization : null, withToken, accept),
        body: hop.init.method === 'GET' && hops > 0 ? undefined : body,
        signal,
        redirect: followHere ? 'manual' : hop.init.redirect,
      });
      let response = await fetchImpl(hop.target.href, sent);
      if (followHere && response.type === 'opaqueredirect') response = await followedByFetch(hop, sent);
      const next = followHere ? nextHop(response, hop, scope) : undefined;
      if (!next) {
        // After a redirect the fetch followed itself (a browser), where the token went is unknown: not an answer to it.
        return { response, url: hop.target.href, carried: allowed && !response.redirected };
      }
      if (hops >= MAX_REDIRECTS) throw new NetworkError(hop.target.href, { cause: new Error(`more than ${MAX_REDIRECTS} redirects`) });
      discardBody(response);
      hop = next;
    }
  };
}
