import type { Observable } from 'rxjs';
import { InvalidTokenResponseError } from './errors.js';
import { fetchObservable, readBody, toHttpError } from './fetch-observable.js';
import type { AuthTransport, TokenResponse } from './options.js';

/**
 * The only code that knows api.video's auth routes. It sends the request and
 * hands over the parsed body; validating it is the engine's job, so that a
 * custom transport gets the same checks.
 */
export function createHttpTransport({ baseUrl, fetch: fetchImpl }: { baseUrl: string; fetch: typeof globalThis.fetch }): AuthTransport {
  const post = (path: string, payload: Record<string, string>): Observable<TokenResponse> => {
    const url = `${baseUrl}${path}`;
    const init: RequestInit = {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    };
    return fetchObservable(fetchImpl, url, init, async (response) => {
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
