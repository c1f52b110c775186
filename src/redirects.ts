/** Where fetch's own limit stands. */
export const MAX_REDIRECTS = 20;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

/**
 * Whether rx-bearer follows redirects itself. Browsers (and workers) drop the
 * Authorization header on a cross-origin redirect, as the Fetch standard
 * says, and answer `redirect: 'manual'` with an opaque response, so there
 * fetch follows. Elsewhere a fetch may not drop it (node-fetch, used by
 * cross-fetch, compares host names and ignores ports), so rx-bearer follows
 * and decides at each hop whether the token may go along.
 */
export const followsRedirectsItself = typeof (globalThis as { window?: unknown }).window === 'undefined' && typeof (globalThis as { self?: unknown }).self === 'undefined';

/** The next hop of a 3xx answer, as fetch's 'follow' mode would take it (a POST becomes a GET on 301/302, anything but HEAD on 303). */
export function nextHop<I extends RequestInit & { headers: Headers }>(response: Response, url: string, init: I): { url: string; init: I } | undefined {
  if (!redirectStatuses.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  const next = new URL(location, url).href;
  const method = (init.method ?? 'GET').toUpperCase();
  const becomesGet = (response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST');
  if (!becomesGet) return { url: next, init };
  const headers = new Headers(init.headers);
  bodyHeaders.forEach((name) => headers.delete(name));
  return { url: next, init: { ...init, method: 'GET', body: undefined, headers } };
}
