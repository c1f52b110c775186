/**
 * ky options: every request of a ky instance through auth.fetch (the credential scope, one shared refresh, one resend).
 *
 * @module rx-bearer/ky
 */
import type { BearerAuth } from 'rx-bearer';
import { bearerFetch, type FetchFunction } from '../fetch-adapter.js';

export type { FetchFunction } from '../fetch-adapter.js';

/**
 * The ky options that send every request of a ky instance through `auth`
 * (`ky.create(...)` / `ky.extend(...)`): ky's `fetch` becomes auth.fetch, so
 * the token goes where auth.fetch sends it (baseUrl's origin and
 * allowedOrigins, never the auth routes, nothing elsewhere), a 401 joins the
 * one shared refresh and is resent once, and ky's hooks, retries and timeout
 * wrap all of it: a ky retry is a new request, never a second resend, and
 * the timeout covers the wait for a token. Why not hooks: a `beforeRequest`
 * hook that answers with a Response bypasses ky's timeout, and an
 * `afterResponse` resend would happen outside the one 401 policy.
 *
 * Tested with ky 1.9 (Node 20); ky 2 needs Node 22 and has the same `fetch` option.
 *
 * @example const api = ky.create({ prefixUrl: 'https://ws.api.video', ...bearerKy(auth) });
 */
export function bearerKy(auth: BearerAuth): { fetch: FetchFunction } {
  return { fetch: bearerFetch(auth) };
}
