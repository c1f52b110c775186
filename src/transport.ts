import type { Observable } from 'rxjs';

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
