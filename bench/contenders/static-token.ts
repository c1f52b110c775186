import { firstValueFrom, Observable } from 'rxjs';
import { post, type Contender, type Tokens } from './adapter.js';

/** 2. The floor: one login, plain fetch, never refreshes. */
export const staticToken: Contender = {
  name: 'static token (floor)',
  create({ baseUrl, apiKey, fetch: fetchImpl = fetch }) {
    let token: Promise<string> | undefined;
    const login = () => (token ??= post(fetchImpl, `${baseUrl}/auth/api-key`, { apiKey }).then((r) => r.json() as Promise<Tokens>).then((t) => t.access_token));
    return {
      get: async (path) => {
        const response = await fetchImpl(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${await login()}` } });
        await response.arrayBuffer();
        return { ok: response.ok, status: response.status };
      },
      dispose: () => {},
    };
  },
};

/**
 * Not a contender: the floor plus what cancelling costs. Each request gets
 * an AbortSignal, as rx-bearer's must so that unsubscribing aborts it, so
 * S5 shows how much of rx-bearer's gap the platform's signal accounts for.
 */
export const staticTokenWithSignal: Contender = {
  name: 'static token + an AbortSignal per request (reference)',
  create(options) {
    const fetchImpl = options.fetch ?? fetch;
    return staticToken.create({ ...options, fetch: (input, init) => fetchImpl(input, { ...init, signal: new AbortController().signal }) });
  },
};

/**
 * Not a contender: the RxJS floor. The least an RxJS client can do per
 * request: one Observable around fetch with an AbortController, aborted on
 * unsubscribe while the response is still to come. Same login as the floor.
 * S5's target for rx-bearer is a multiple of this one's cost above raw fetch
 * with a signal.
 */
export const rxjsFloor: Contender = {
  name: 'RxJS floor: one Observable around fetch with an AbortController',
  create({ baseUrl, apiKey, fetch: fetchImpl = fetch }) {
    let token: Promise<string> | undefined;
    const login = () => (token ??= post(fetchImpl, `${baseUrl}/auth/api-key`, { apiKey }).then((r) => r.json() as Promise<Tokens>).then((t) => t.access_token));
    const request = (url: string, authorization: string) =>
      new Observable<Response>((subscriber) => {
        const controller = new AbortController();
        let settled = false;
        fetchImpl(url, { headers: { authorization }, signal: controller.signal }).then(
          (response) => ((settled = true), subscriber.next(response), subscriber.complete()),
          (error: unknown) => ((settled = true), subscriber.error(error)),
        );
        return () => {
          if (!settled) controller.abort();
        };
      });
    return {
      get: async (path) => {
        const response = await firstValueFrom(request(`${baseUrl}${path}`, `Bearer ${await login()}`));
        await response.arrayBuffer();
        return { ok: response.ok, status: response.status };
      },
      dispose: () => {},
    };
  },
};
