import { AuthError, HttpError, InvalidTokenResponseError } from '../core.js';

/** The largest token or metadata answer read (bytes): a real one is a few KB. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** Reads a body while it streams, refusing it past `limit` bytes (a declared Content-Length past it is refused before reading). */
async function readCapped(response: Response, limit: number, url: string): Promise<Uint8Array | null> {
  const tooLarge = () => new InvalidTokenResponseError(`the answer from ${url} is larger than ${limit} bytes`);
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) bytes.set(chunk, (at += chunk.byteLength) - chunk.byteLength);
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
export function cappedFetch(fetchImpl: typeof fetch, limit = MAX_ANSWER_BYTES) {
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
    return new Response(nullBody.has(status) ? null : (body as BodyInit | null), { status, statusText: response.statusText, headers: response.headers });
  };
}
