import { DEV } from './dev.js';
import type { CredentialScope, Target } from './credential-scope.js';
import { NetworkError } from './errors.js';

/** Where fetch's own limit stands. */
export const MAX_REDIRECTS = 20;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const bodyHeaders = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];
/** What the Fetch standard and Node's fetch remove on a hop to another origin. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];

export interface Hop {
  readonly target: Target;
  readonly init: RequestInit;
  /** Whether credentials were dropped at this hop or before: they stay dropped for the rest of the chain. */
  readonly dropped: boolean;
}

/**
 * The next hop of a 3xx answer, as fetch's 'follow' mode takes it (a POST
 * becomes a GET on 301/302, anything but HEAD on 303), with stricter
 * credential rules: a hop to another origin (https to http included, the
 * scheme being part of the origin) drops Authorization, Cookie and
 * Proxy-Authorization for the rest of the chain, even back on the first
 * origin. Only http(s) Locations are followed: a `data:` one could forge an answer.
 */
export function nextHop(response: Response, from: Hop, scope: CredentialScope): Hop | undefined {
  if (!redirectStatuses.has(response.status)) return undefined;
  const location = response.headers.get('location');
  if (location === null) return undefined;
  const target = scope.resolve(location, from.target.href);
  if (target === null || target.origin === 'null') {
    throw new NetworkError(from.target.href, { cause: new Error(DEV ? 'a redirect to a URL that is not http(s) is not followed' : 'non-http(s) redirect') });
  }
  const { init } = from;
  const method = (init.method ?? 'GET').toUpperCase();
  const becomesGet = (response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST');
  const dropped = from.dropped || !scope.keepsCredentials(from.target, target);
  if (!becomesGet && dropped === from.dropped) return { target, init, dropped };
  // A copy: the caller's request may be sent again (after a 401), with its own headers.
  const headers = new Headers(init.headers);
  if (dropped) credentialHeaders.forEach((name) => headers.delete(name));
  if (becomesGet) bodyHeaders.forEach((name) => headers.delete(name));
  return { target, init: becomesGet ? { ...init, method: 'GET', body: undefined, headers } : { ...init, headers }, dropped };
}
