import { DEV } from './dev.js';
import { AuthError, type RxBearerErrorCode } from './errors.js';

/**
 * There is no fetch to call: no global `fetch`, and (outside the browser
 * build) cross-fetch could not be loaded either, e.g. Jest with jsdom, or a
 * bundle that left cross-fetch out. Retrying cannot help, so rx-bearer fails
 * the first call with it at once; pass `options.fetch` to `createBearerAuth()`.
 * Its code is `'ERR_FETCH_UNAVAILABLE'`; it is an {@link AuthError} (reason
 * `'unavailable'`), so code that handles auth failures with `instanceof`
 * handles it too, and rx-bearer treats it as final (never retried).
 * `cause` says why loading cross-fetch failed.
 *
 * @example
 * createBearerAuth({ apiKey, fetch: myFetch }); // e.g. whatwg-fetch's, undici's or cross-fetch's
 */
export class FetchUnavailableError extends AuthError {
  static override readonly code = 'ERR_FETCH_UNAVAILABLE';
  override name = 'FetchUnavailableError';
  override readonly code: RxBearerErrorCode = FetchUnavailableError.code;
  constructor(options: { cause?: unknown } = {}) {
    super('unavailable', DEV ? 'No fetch available: pass options.fetch to createBearerAuth()' : 'No fetch: pass options.fetch', options);
  }
}
