// The Worker: one handler per isolate, created at its first request (env only exists there).
import { createTokenHandler } from 'rx-bearer/server';

let handler;
export default {
  async fetch(request, env) {
    handler ??= createTokenHandler({ apiKey: () => env.APIVIDEO_API_KEY, baseUrl: env.BASE_URL, authorize: () => true, retry: { maxAttempts: 1 } });
    return handler(request);
  },
};
