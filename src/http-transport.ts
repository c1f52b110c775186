import type { Observable } from 'rxjs';
import { defaultFetch } from './default-fetch.js';
import { InvalidTokenResponseError } from './errors.js';
import { fetchObservable, readBody, toHttpError } from './fetch-observable.js';
import type { AuthTransport, TokenResponse } from './options.js';

/**
 * The only code that knows api.video's auth routes (`POST /auth/api-key`,
 * `POST /auth/refresh`); exported for tools that need the raw response. It sends the request and
 * hands over the parsed body; validating it is the engine's job, so that a
 * custom transport gets the same checks.
 */
export function createHttpTransport({ baseUrl, fetch: fetchImpl = defaultFetch }: { baseUrl: string; fetch?: typeof globalThis.fetch }): AuthTransport {
  const root = baseUrl.replace(/\/+$/, '');
  const post = (path: string, payload: Record<string, string>): Observable<TokenResponse> => {
    const url = `${root}${path}`;
    const init: RequestInit = {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    };
    return fetchObservable(url, undefined, async (signal) => {
      const response = await fetchImpl(url, { ...init, signal });
      const body = await readBody(response);
      if (!response.ok) throw toHttpError(response, url, body);
      if (body === null || typeof body !== 'object') {
        throw new InvalidTokenResponseError(`the body of the ${response.status} answer from ${url} is not a JSON object`);
      }
      return body as TokenResponse;
    });
  };

  return {
    login: (apiKey) => post('/auth/api-key', { apiKey }),
    refresh: (refreshToken) => post('/auth/refresh', { refreshToken }),
  };
}
