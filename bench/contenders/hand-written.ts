import { post, type Contender, type Tokens } from './adapter.js';

/** 3. What people write by hand: lazy login, refresh on 401 and retry once, no de-duplication. */
export const handWritten: Contender = {
  name: 'hand-written fetch wrapper',
  create({ baseUrl, apiKey, fetch: fetchImpl = fetch }) {
    let tokens: Tokens | undefined;
    const login = async () => (tokens = (await (await post(fetchImpl, `${baseUrl}/auth/api-key`, { apiKey })).json()) as Tokens);
    const refresh = async () => {
      const response = await post(fetchImpl, `${baseUrl}/auth/refresh`, { refreshToken: tokens?.refresh_token });
      if (!response.ok) return login();
      return (tokens = (await response.json()) as Tokens);
    };
    const send = (path: string) => fetchImpl(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${tokens?.access_token}` } });
    return {
      get: async (path) => {
        if (!tokens) await login();
        let response = await send(path);
        if (response.status === 401) {
          await response.arrayBuffer();
          await refresh();
          response = await send(path);
        }
        await response.arrayBuffer();
        return { ok: response.ok, status: response.status };
      },
      dispose: () => {},
    };
  },
};
