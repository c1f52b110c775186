// token-handler.mjs: the API key stays on the server
import { createTokenHandler } from 'rx-bearer/server';
import { sessionOf } from './session.mjs'; // your own session check

export const tokenHandler = createTokenHandler({
  // A function: read at the first request, not when a build (next build, Angular SSR) evaluates this module.
  apiKey: () => process.env.APIVIDEO_API_KEY,
  baseUrl: process.env.APIVIDEO_BASE_URL ?? 'https://sandbox.api.video',
  // Required: nobody gets a token without it. It runs before the body is read.
  authorize: async (request) => (await sessionOf(request.headers.get('cookie'))) !== null,
});
