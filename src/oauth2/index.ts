// rx-bearer/oauth2: OAuth 2.0 token sources for createBearerAuth({ source }), built on oauth4webapi.
export { clientCredentials } from './client-credentials.js';
export { refreshTokenGrant } from './refresh-token-grant.js';
export { OAuthDiscoveryError, OAuthError } from './errors.js';

export type { ClientCredentialsOptions } from './client-credentials.js';
export type { RefreshTokenGrantOptions } from './refresh-token-grant.js';
export type { ClientAuthMethod, ClientOptions } from './client.js';
export type { ServerOptions } from './authorization-server.js';
export type { DiscoveryFailure, OAuthErrorFields } from './errors.js';
