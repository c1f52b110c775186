import { DEV } from './dev.js';
import type { Observable } from 'rxjs';
import { credentialScope, type AuthRoute, type CredentialScope } from './credential-scope.js';
import { defaultFetch } from './default-fetch.js';
import { AuthError, InvalidTokenResponseError } from './errors.js';
import { MAX_AUTH_BODY, readTextAtMost } from './capped-body.js';
import { fetchObservable, parseBody, toHttpError } from './fetch-observable.js';
import { redact } from './redact.js';
import type { AuthTransport, TokenResponse } from './transport.js';

/** The origin a redirect points to, for an error message: never its path or query, which the server chose (nor `credential`, in a host it chose). */
function locationOrigin(response: Response, url: string, credential?: string): string {
  try {
    return redact(new URL(response.headers.get('location') ?? '', url).origin, credential);
  } catch {
    return DEV ? 'an unreadable Location' : '?';
  }
}

/**
 * POSTs `payload` as JSON to an auth URL and hands over the parsed body;
 * validating it is the engine's job, so that a custom transport gets the
 * same checks. Redirects are never followed: the body holds a credential (or
 * the request carries the page's cookies), and a redirect's target could read
 * it or answer with a session of its choosing. A 3xx (or a browser's opaque
 * redirect) is an AuthError 'redirected'. At most MAX_AUTH_BODY (64 KB) of
 * the answer is read, counted as it streams (see capped-body). `init` adds e.g. `credentials`;
 * `credential`, if the server echoes it in an error body, is redacted there.
 */
export function postForToken(url: string, payload: Record<string, string>, fetchImpl: typeof globalThis.fetch, init: RequestInit = {}, credential?: string): Observable<TokenResponse> {
  const request: RequestInit = {
    ...init,
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    redirect: 'manual',
  };
  return fetchObservable(url, undefined, async (signal) => {
    // An answer over the cap ends the exchange on the wire: cancelling its body does for Node's fetch, not for
    // node-fetch (cross-fetch), whose socket stays open. (`signal` is fresh and not aborted yet: startExchange checked.)
    const exchange = new AbortController();
    signal.addEventListener('abort', () => exchange.abort(signal.reason));
    const response = await fetchImpl(url, { ...request, signal: exchange.signal });
    // A fetch wrapper may drop `redirect: 'manual'` and follow anyway: its answer then came from elsewhere.
    if (response.redirected || response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => {});
      const where = response.type === 'opaqueredirect' || response.redirected ? 'elsewhere' : `to ${locationOrigin(response, url, credential)}`;
      throw new AuthError('redirected', DEV ? `The auth server redirected ${url} ${where} (HTTP ${response.status}); auth calls never follow redirects` : `${url} redirected ${where}`, { status: response.status });
    }
    // A server (or a proxy's error page) may echo the request: the credential never reaches an error.
    // A success body is parsed as sent: redacting it could cut a token that happens to contain the credential.
    // At most MAX_AUTH_BODY bytes are read of any answer: a larger one is refused (a success) or kept without its body (an error).
    const text = await readTextAtMost(response, MAX_AUTH_BODY);
    if (text === 'too-large') exchange.abort();
    if (!response.ok) throw toHttpError(response, url, text === 'too-large' ? undefined : parseBody(text, credential), credential);
    if (text === 'too-large') {
      throw new InvalidTokenResponseError(DEV ? `the body of the ${response.status} answer from ${url} is larger than ${MAX_AUTH_BODY} bytes; it was not read` : `body from ${url}`);
    }
    const body = parseBody(text);
    if (body === null || typeof body !== 'object') {
      throw new InvalidTokenResponseError(DEV ? `the body of the ${response.status} answer from ${url} is not a JSON object` : `body from ${url}`);
    }
    return body as TokenResponse;
  });
}

/** api.video's auth calls over HTTP: the API key or the refresh token, to the routes the credential scope names. */
export function httpTransport(scope: CredentialScope, fetchImpl: typeof globalThis.fetch = defaultFetch): AuthTransport {
  const post = (route: AuthRoute, credential: string, payload: Record<string, string>) => postForToken(scope.authUrl(route), payload, fetchImpl, {}, credential);
  return {
    login: (apiKey) => post('login', apiKey, { apiKey }),
    refresh: (refreshToken) => post('refresh', refreshToken, { refreshToken }),
  };
}

/**
 * The HTTP transport on its own, for tools that need the raw token response
 * (the CLI). `baseUrl` is checked as createBearerAuth checks it.
 */
export function createHttpTransport({ baseUrl, fetch, allowInsecureHttp }: { baseUrl: string; fetch?: typeof globalThis.fetch; allowInsecureHttp?: boolean }): AuthTransport {
  return httpTransport(credentialScope({ baseUrl, allowInsecureHttp }), fetch);
}
