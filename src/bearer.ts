import type { Target } from './credential-scope.js';

/** The Authorization header's value for `token`. Spelled here and nowhere else. */
export const bearer = (token: string): string => `Bearer ${token}`;

/**
 * `bearer`, one string for every request of one token: a JWT is hundreds of
 * bytes, and each request in flight would hold its own copy. One per client.
 */
export function bearerCache(): (token: string) => string {
  let last = { token: '', header: '' };
  return (token) => {
    if (last.token !== token) last = { token, header: bearer(token) };
    return last.header;
  };
}

/** A request's route, e.g. 'GET https://ws.api.video/videos': what the 401 policy keeps a verdict for. */
export const routeOf = (method: string | undefined, { origin, pathname }: Target): string => `${(method ?? 'GET').toUpperCase()} ${origin}${pathname}`;
