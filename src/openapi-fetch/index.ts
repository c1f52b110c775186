/**
 * openapi-fetch client options: its fetch becomes auth.fetch.
 *
 * @module rx-bearer/openapi-fetch
 */
import type { BearerAuth } from 'rx-bearer';
import { bearerFetch, type FetchFunction } from '../fetch-adapter.js';

export type { FetchFunction } from '../fetch-adapter.js';

/**
 * The openapi-fetch client options that send its requests through `auth`
 * (`createClient({ baseUrl, ...bearerOpenApiFetch(auth) })`): its `fetch`
 * becomes auth.fetch, with the same credential scope and the same 401
 * handling (stale-token check, one shared refresh, one resend). Your
 * middlewares still run around each call (onRequest before, onResponse on
 * the final answer). Why not a middleware: an `onRequest` that answers with
 * a Response skips every middleware's `onResponse`, and an `onResponse`
 * resend would happen outside the one 401 policy.
 *
 * @example const client = createClient<paths>({ baseUrl: 'https://ws.api.video', ...bearerOpenApiFetch(auth) });
 */
export function bearerOpenApiFetch(auth: BearerAuth): { fetch: FetchFunction } {
  return { fetch: bearerFetch(auth) };
}
