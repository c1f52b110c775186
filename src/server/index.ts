// rx-bearer/server: the token endpoint a backend mounts so that browsers get
// short-lived tokens and never the API key. Needs only fetch, Request and Response.
export { createTokenHandler } from './create-token-handler.js';

export type { TokenHandler, TokenHandlerOptions, AuthorizeVerdict } from './create-token-handler.js';
