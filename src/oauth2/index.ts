/**
 * OAuth 2.0 token sources for `createBearerAuth({ source })`: client credentials and refresh-token rotation, built on oauth4webapi.
 *
 * @module rx-bearer/oauth2
 */
export { clientCredentials } from './client-credentials.js';
export { refreshTokenGrant } from './refresh-token-grant.js';
export { OAuthDiscoveryError, OAuthError } from './errors.js';

export type { ClientCredentialsOptions } from './client-credentials.js';
export type { RefreshTokenGrantOptions } from './refresh-token-grant.js';
export type { ClientAuthMethod, ClientOptions } from './client.js';
export type { ServerOptions } from './authorization-server.js';
export type { DiscoveryFailure, OAuthErrorFields } from './errors.js';
