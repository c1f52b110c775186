import { firstValueFrom } from 'rxjs';
import type { BearerAuth } from 'rx-bearer';

/** A fetch function, as ky's and openapi-fetch's `fetch` option take it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * `auth.fetch` as a Promise-returning fetch, for the clients that take one
 * (ky's and openapi-fetch's `fetch` option). Every request then goes through
 * auth.fetch's one pipeline: the token where the credential scope allows it
 * (none elsewhere, hop by hop on redirects), the stale-token check, one
 * shared refresh and one resend on a 401. The client's own retries and
 * timeouts wrap the whole of it, so a retry of theirs never multiplies the
 * resend, and their timeout covers the wait for a token too. The caller's
 * `signal` (the Request's or init's) aborts it, waits for a token included.
 */
export const bearerFetch =
  (auth: BearerAuth): FetchFunction =>
  (input, init) =>
    firstValueFrom(auth.fetch(input, init));
