import { AuthError, HttpError, InvalidTokenResponseError, MAX_AUTH_BODY, readAtMost } from '../core.js';

/** Reads a body under the one cap of every auth answer (`readAtMost`, MAX_AUTH_BODY); a declared Content-Length past it is refused before reading. */
async function readCapped(response: Response, limit: number, url: string): Promise<Uint8Array> {
  const bytes = Number(response.headers.get('content-length') ?? 0) > limit ? 'too-large' : await readAtMost(response.body, limit);
  if (bytes === 'too-large') {
    void response.body?.cancel().catch(() => {});
    throw new InvalidTokenResponseError(`the answer from ${url} is larger than ${limit} bytes`);
  }
  return bytes;
}

const nullBody = new Set([101, 204, 205, 304]);

/**
 * The fetch handed to oauth4webapi: never follows a redirect (a 3xx, or a
 * fetch wrapper that followed one anyway, is AuthError 'redirected'), turns
 * an answer worth retrying (408, 429, 5xx) into an HttpError with its
 * headers (Retry-After) for the engine's backoff, and hands over every other
 * answer with its body read under a cap.
 */
export function cappedFetch(fetchImpl: typeof fetch, limit = MAX_AUTH_BODY) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetchImpl(url, { ...init, redirect: 'manual' });
    if (response.redirected || response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      void response.body?.cancel().catch(() => {});
      throw new AuthError('redirected', `The authorization server redirected ${url} (HTTP ${response.status}); token requests never follow redirects`, { status: response.status });
    }
    const { status } = response;
    if (status === 408 || status === 429 || status >= 500) {
      void response.body?.cancel().catch(() => {});
      const headers: Record<string, string> = {};
      response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
      throw new HttpError({ status, statusText: response.statusText, url, headers });
    }
    const body = await readCapped(response, limit, url);
    return new Response(nullBody.has(status) ? null : (body as BodyInit), { status, statusText: response.statusText, headers: response.headers });
  };
}
