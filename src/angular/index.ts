// rx-bearer/angular: a provider and a functional HTTP interceptor. Only this
// entry imports Angular; the core never does.
export { BEARER_AUTH, BEARER_AUTH_SCOPE, injectBearerAuth, provideBearerAuth } from './bearer-auth-provider.js';
export { bearerInterceptor } from './bearer-interceptor.js';

export type { BearerAuthProviderOptions, BearerAuthScope } from './bearer-auth-provider.js';
