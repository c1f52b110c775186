import axios from 'axios';
import { createAuthRefresh } from 'axios-auth-refresh';
import type { Contender, Tokens } from './adapter.js';

/** 4. axios + axios-auth-refresh as documented: the first token comes from the first 401. */
export const axiosAuthRefresh: Contender = {
  name: 'axios + axios-auth-refresh',
  create({ baseUrl, apiKey }) {
    const client = axios.create({ baseURL: baseUrl });
    let tokens: Tokens | undefined;
    client.interceptors.request.use((request) => {
      if (tokens) request.headers['Authorization'] = `Bearer ${tokens.access_token}`;
      return request;
    });
    const refreshAuthLogic = async (failedRequest: { response: { config: { headers: Record<string, string> } } }) => {
      const login = () => axios.post<Tokens>(`${baseUrl}/auth/api-key`, { apiKey });
      const answer = tokens ? await axios.post<Tokens>(`${baseUrl}/auth/refresh`, { refreshToken: tokens.refresh_token }).catch(login) : await login();
      tokens = answer.data;
      failedRequest.response.config.headers['Authorization'] = `Bearer ${tokens.access_token}`;
    };
    createAuthRefresh(client, refreshAuthLogic);
    return {
      get: async (path) => {
        try {
          const response = await client.get(path);
          return { ok: true, status: response.status };
        } catch (error) {
          return { ok: false, status: (error as { response?: { status: number } }).response?.status ?? 0 };
        }
      },
      dispose: () => {},
    };
  },
};
