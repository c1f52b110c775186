/**
 * A provider and a functional HTTP interceptor for Angular.
 *
 * @module rx-bearer/angular
 */
// rx-bearer/angular: a provider and a functional HTTP interceptor. Only this
// entry imports Angular; the core never does.
export { BEARER_AUTH, injectBearerAuth, provideBearerAuth } from './bearer-auth-provider.js';
export { WITHOUT_BEARER, bearerInterceptor } from './bearer-interceptor.js';

export type { BearerAuthProviderOptions } from './bearer-auth-provider.js';
