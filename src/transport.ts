import { map, type Observable } from 'rxjs';

/*
 * The contract between the engine and whatever obtains tokens, in a module of
 * its own: options, the engine and the HTTP transport all depend on it, and
 * it depends on none of them.
 */

/** The JSON body of `POST /auth/api-key` and `POST /auth/refresh`. */
export interface TokenResponse {
  token_type: string;
  /** Lifetime of `access_token` in seconds. */
  expires_in: number;
  access_token: string;
  refresh_token: string;
}

/**
 * How the engine obtains tokens. The default speaks api.video's HTTP API;
 * supply your own to use another transport or, in tests, cold observables.
 * Each call is subscribed once per attempt; unsubscribing must cancel it.
 */
export interface AuthTransport {
  login(apiKey: string): Observable<TokenResponse>;
  refresh(refreshToken: string): Observable<TokenResponse>;
}

/** What a {@link TokenSource} answers: a token response whose `refresh_token` and `expires_in` are optional (without `expires_in`, the JWT's `exp` says when it expires). */
export type SourceTokenResponse = Omit<TokenResponse, 'refresh_token' | 'expires_in'> & { expires_in?: number; refresh_token?: string };

/**
 * Where tokens come from: what `apiKey` (api.video's login and refresh),
 * `tokenUrl` and the OAuth 2.0 sources of rx-bearer/oauth2 all are
 * underneath. Pass one as `createBearerAuth({ source })`.
 *
 * The engine calls `token()` for the first token and for every renewal (the
 * timer, a 401, `refresh()`), one at a time per client and within the
 * auth-call budget; each attempt subscribes once, and unsubscribing cancels
 * it. Fail with an error carrying the HTTP `status` (and `headers` with
 * Retry-After) to get the engine's retries for 5xx/429/network errors, or
 * with an `AuthError` for a verdict that no retry can change. A refresh
 * token, if the source uses one, is the source's own business: the engine
 * never sees it.
 *
 * @example
 * const source: TokenSource = {
 *   token: () => from(fetch('https://auth.example.com/token', { method: 'POST' }).then((r) => r.json())),
 * };
 */
export interface TokenSource {
  token(): Observable<SourceTokenResponse>;
  /**
   * Names the credential without revealing it (e.g. the token endpoint, the
   * client id and a hash of the secret): clients whose sources share it may
   * share one session through a `store`; without it a store refuses the source.
   */
  readonly shareAs?: string;
  /** The source holds a secret: in a browser it needs `dangerouslyAllowBrowser`, as `apiKey` does. */
  readonly confidential?: boolean;
}

/** A source as the engine's transport: every login and refresh asks it for a token; no refresh token reaches the engine. */
export const sourceTransport = (source: TokenSource): AuthTransport => {
  const ask = () => source.token().pipe(map((body): TokenResponse => ({ ...body, refresh_token: '' }) as TokenResponse));
  return { login: ask, refresh: ask };
};
