import * as oauth from 'oauth4webapi';
import { AuthError, NetworkError, type SourceTokenResponse, type TokenSource } from '../core.js';
import { Observable } from 'rxjs';
import { printable, resolveClient, type ClientOptions } from './client.js';
import { toCycleError, toSourceResponse } from './token-request.js';

export interface RefreshTokenGrantOptions extends ClientOptions {
  /** The refresh token to start from (e.g. what your last `onRotate` saved). */
  refreshToken: string;
  /**
   * Called with the refresh token of every exchange (the first one too),
   * before its access token is handed out; an async one is awaited. Save it:
   * a server that rotates refresh tokens accepts only the latest. If it
   * fails, that cycle fails (the new token is still the one used next).
   */
  onRotate?: (refreshToken: string) => void | Promise<void>;
  /** Space-separated scopes, to ask for fewer than the grant has. */
  scope?: string;
}

/** Connection errors that happen before a request is written: the server cannot have seen the refresh token. */
const notSent = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);
const codeOf = (error: unknown): unknown => {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && notSent.has(code)) return code;
  }
  return undefined;
};

/**
 * Tokens from a refresh token (RFC 6749 §6), rotated as the server says: a
 * new `refresh_token` replaces the old one at once and the old one is never
 * sent again (RFC 9700 §4.14); an answer without one keeps the old one.
 *
 * One exchange at a time, never abandoned half-way: an exchange the engine
 * stops waiting for (its requestTimeout) goes on, and the next attempt joins
 * it, so a slow answer's rotated token is kept. An exchange that fails after
 * the request may have reached the server (a reset connection, a cut body)
 * is not resent with the same token, which the server may have rotated
 * already: the source fails with AuthError 'rejected' (error
 * 'refresh_token_state_unknown') and needs a new refresh token.
 *
 * @example
 * const auth = createBearerAuth({
 *   source: refreshTokenGrant({ issuer, clientId, clientSecret, refreshToken: await load(), onRotate: (next) => save(next) }),
 *   baseUrl,
 * });
 */
export function refreshTokenGrant(options: RefreshTokenGrantOptions): TokenSource {
  const resolved = resolveClient(options, 'refreshTokenGrant');
  const { refreshToken, onRotate, scope } = options;
  if (typeof refreshToken !== 'string' || refreshToken === '') throw new TypeError('"refreshToken" option must be a non-empty string');
  if (onRotate !== undefined && typeof onRotate !== 'function') throw new TypeError('"onRotate" option must be a function');
  const { server, client, auth } = resolved;
  let current = refreshToken;
  /** Set when an exchange's outcome is unknown: the token it sent is never sent again. */
  let unknown: AuthError | undefined;
  let inflight: Promise<SourceTokenResponse> | undefined;
  const secrets = () => [current, options.clientSecret ?? ''];

  async function exchange(): Promise<SourceTokenResponse> {
    if (unknown) throw unknown;
    const as = await server.metadata();
    const sent = current;
    const url = as.token_endpoint ?? server.name;
    let answer: oauth.TokenEndpointResponse;
    try {
      const parameters = scope === undefined ? undefined : new URLSearchParams({ scope });
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, sent, { ...server.http, ...(parameters ? { additionalParameters: parameters } : {}) });
      answer = await oauth.processRefreshTokenResponse(as, client, response);
    } catch (error) {
      const cycleError = await toCycleError(error, url, secrets());
      if (cycleError instanceof NetworkError && codeOf(error) === undefined) {
        unknown = new AuthError('rejected', 'The refresh token exchange failed after it was sent: the server may have rotated the token, so it is not sent again', { cause: cycleError });
        Object.assign(unknown, { error: 'refresh_token_state_unknown' });
        throw unknown;
      }
      throw cycleError;
    }
    // Replaced at once: even if onRotate fails, the old token is never sent again.
    if (answer.refresh_token) current = answer.refresh_token;
    try {
      await onRotate?.(current);
    } catch (cause) {
      throw new AuthError('unavailable', 'onRotate failed; the new refresh token is kept and used at the next cycle', { cause: cause instanceof Error ? new Error(cause.name) : undefined });
    }
    return toSourceResponse({ ...answer, refresh_token: undefined } as unknown as oauth.TokenEndpointResponse);
  }

  /**
   * An exchange that answered after its attempt stopped waiting, and before the next one started (a gap of
   * one backoff delay): its token is handed to the next attempt, its lifetime counted from its arrival.
   * Dropped, a new exchange would be sent for nothing and the rotated token's first access token lost.
   */
  let unclaimed: { value: SourceTokenResponse; at: number } | undefined;
  let waiting = 0;
  const claim = (): SourceTokenResponse | undefined => {
    const kept = unclaimed;
    unclaimed = undefined;
    if (!kept) return undefined;
    if (kept.value.expires_in === undefined) return kept.value; // the JWT's exp: an absolute time
    const left = kept.value.expires_in - (Date.now() - kept.at) / 1000;
    return left >= 1 ? { ...kept.value, expires_in: left } : undefined;
  };
  const start = () =>
    exchange().then(
      (value) => {
        if (waiting === 0) unclaimed = { value, at: Date.now() };
        return value;
      },
      (error: unknown) => Promise.reject(error),
    ).finally(() => (inflight = undefined));
  const token = () =>
    new Observable<SourceTokenResponse>((subscriber) => {
      const kept = inflight ? undefined : claim();
      if (kept) {
        subscriber.next(kept);
        subscriber.complete();
        return;
      }
      // Never run twice at once, and never aborted: an attempt that stops waiting leaves the exchange to the next one.
      const running = (inflight ??= start());
      let active = true;
      waiting++;
      running.then(
        (value) => active && (subscriber.next(value), subscriber.complete()),
        (error: unknown) => active && subscriber.error(error),
      );
      return () => {
        if (active) waiting--;
        active = false;
      };
    });
  // No shareAs: a store refuses this source (its rotating refresh token lives in this process).
  return printable({ token, confidential: resolved.confidential }, resolved.description);
}
