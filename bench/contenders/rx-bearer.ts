import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import type { Contender } from './adapter.js';

/** 1. rx-bearer, the built package through its exports map. */
export const rxBearer: Contender = {
  name: 'rx-bearer',
  create({ baseUrl, apiKey, fetch: fetchImpl }) {
    const auth = createBearerAuth({ apiKey, baseUrl, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
    return {
      get: async (path) => {
        const response = await firstValueFrom(auth.fetch(path));
        await response.arrayBuffer();
        return { ok: response.ok, status: response.status };
      },
      dispose: () => auth.dispose(),
    };
  },
};
