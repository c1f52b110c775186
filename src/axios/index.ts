/**
 * An axios interceptor (NestJS HttpService included): the token where the scope allows, one shared refresh and one resend on a 401.
 *
 * @module rx-bearer/axios
 */
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { firstValueFrom, from } from 'rxjs';
import type { BearerAuth } from 'rx-bearer';
import { bearer, routeOf } from '../bearer.js';

/**
 * Sends the requests of an axios instance (NestJS's `HttpService.axiosRef`
 * included) through `auth` with a request interceptor; returns the function
 * that ejects it. A request the credential scope allows (baseUrl's origin
 * and allowedOrigins, never the auth routes) gets `Authorization: Bearer
 * <token>` and runs inside `auth.authorize`: the stale-token check, one
 * shared refresh and one resend on a 401, as auth.fetch does. Any other
 * request is left as it is. The resend happens inside the one dispatch,
 * below axios's interceptors: your response interceptors see one answer, the
 * final one, and nothing to retry. (Why not a response interceptor: a resend
 * from there would be a second copy of the 401 policy.)
 *
 * @example const eject = useBearer(axios.create({ baseURL: 'https://ws.api.video' }), auth);
 */
export function useBearer(instance: AxiosInstance, auth: BearerAuth): () => void {
  const id = instance.interceptors.request.use((config) => {
    const send: AxiosAdapter = axios.getAdapter(config.adapter ?? instance.defaults.adapter ?? axios.defaults.adapter, config);
    // The scope is asked at dispatch, after every request interceptor (axios runs them last-registered
    // first, so one registered before this one runs after it and could still change the URL).
    const adapter = (sent: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
      const target = auth.scope.resolve(instance.getUri(sent));
      if (target === null || !auth.scope.allowsToken(target)) return send(sent);
      return firstValueFrom(
        auth.authorize((token) => {
          sent.headers.set('Authorization', bearer(token));
          return from(send(sent));
        }, { route: routeOf(sent.method, target) }),
      );
    };
    return Object.assign(config, { adapter });
  });
  return () => instance.interceptors.request.eject(id);
}
