/**
 * The token endpoint a backend mounts, so that browsers get short-lived tokens and never the API key.
 *
 * @module rx-bearer/server
 */
// rx-bearer/server: the token endpoint a backend mounts so that browsers get
// short-lived tokens and never the API key. Needs only fetch, Request and Response.
export { createTokenHandler } from './create-token-handler.js';

export type { TokenHandler } from './create-token-handler.js';
export type { TokenHandlerOptions, AuthorizeVerdict } from './token-handler-options.js';
