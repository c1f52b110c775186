import * as oauth from 'oauth4webapi';
import { Observable } from 'rxjs';
import { HttpError, InvalidTokenResponseError, NetworkError, redact as redactOne, RxBearerError, type SourceTokenResponse } from '../core.js';
import { OAuthError } from './errors.js';

/** Removes each secret from a text the server chose (an error_description may echo what it was sent). */
export const redact = (text: string | undefined, secrets: readonly string[]): string | undefined =>
  text === undefined ? undefined : secrets.reduce(redactOne, text);

/** An error of a token request, in the engine's terms: OAuth refusals are verdicts, the rest keep their status for the retries. */
export async function toCycleError(error: unknown, url: string, secrets: readonly string[]): Promise<unknown> {
  if (error instanceof HttpError) {
    // A 5xx or 429 (see cappedFetch): its status text and headers are the server's choice and may echo the client secret.
    const headers = Object.fromEntries(Object.entries(error.headers).map(([name, value]) => [name, redact(value, secrets)!]));
    return new HttpError({ status: error.status, statusText: redact(error.statusText, secrets), url: error.url, headers });
  }
  if (error instanceof RxBearerError) return error;
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    // A 401 invalid_client with a challenge: the OAuth error is in the JSON body (already read under the cap), else in the challenge.
    const body = (await error.response.json().catch(() => ({}))) as Record<string, unknown>;
    const parameters = error.cause[0]?.parameters ?? {};
    const field = (name: string) => {
      const value = body[name] ?? parameters[name as keyof typeof parameters];
      return typeof value === 'string' ? redact(value, secrets) : undefined;
    };
    return new OAuthError(error.status, { error: field('error'), errorDescription: field('error_description'), errorUri: field('error_uri') });
  }
  if (error instanceof oauth.ResponseBodyError) {
    const description = typeof error.error_description === 'string' ? error.error_description : undefined;
    const uri = typeof error.cause['error_uri'] === 'string' ? error.cause['error_uri'] : undefined;
    return new OAuthError(error.status, { error: redact(error.error, secrets), errorDescription: redact(description, secrets), errorUri: redact(uri, secrets) });
  }
  if (error instanceof oauth.OperationProcessingError) {
    // A 4xx that is no OAuth error answer is still a refusal; anything else is a garbled answer (retried).
    const status = (error.cause as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return new OAuthError(status, { error: undefined, errorDescription: undefined, errorUri: undefined });
    return new InvalidTokenResponseError(`${error.message} (from ${url})`);
  }
  return new NetworkError(url, { cause: error });
}

/** oauth4webapi's parsed answer as the engine's source response. */
export const toSourceResponse = (answer: oauth.TokenEndpointResponse): SourceTokenResponse => ({
  token_type: answer.token_type,
  access_token: answer.access_token,
  ...(answer.expires_in === undefined ? {} : { expires_in: answer.expires_in }),
  ...(answer.refresh_token === undefined ? {} : { refresh_token: answer.refresh_token }),
});

/** A promise-returning exchange as a cold Observable whose unsubscription aborts it (its AbortSignal). */
export function abortable<T>(exchange: (signal: AbortSignal) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    let settled = false;
    exchange(controller.signal).then(
      (value) => ((settled = true), subscriber.next(value), subscriber.complete()),
      (error: unknown) => ((settled = true), subscriber.error(error)),
    );
    return () => {
      if (!settled) controller.abort();
    };
  });
}
