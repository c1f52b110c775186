import { isPlatformServer } from '@angular/common';
import { DestroyRef, InjectionToken, PLATFORM_ID, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { createBearerAuth, type BearerAuth, type BearerAuthOptions } from 'rx-bearer';
import { inertBearerAuth } from './inert-bearer-auth.js';

export interface BearerAuthProviderOptions extends BearerAuthOptions {
  /**
   * Authenticate while rendering on the server (SSR) too. Off by default: a
   * server render gets an auth whose token$ stays null and which sends
   * nothing, and the interceptor leaves requests as they are.
   * @default false
   */
  startOnServer?: boolean;
}

/** The app's BearerAuth; inject it with injectBearerAuth(). */
export const BEARER_AUTH = new InjectionToken<BearerAuth>('rx-bearer BearerAuth');

/**
 * Provides one BearerAuth for the application (or for the environment
 * injector it is given to), disposed when that injector is destroyed.
 *
 * @example
 * bootstrapApplication(App, { providers: [
 *   provideBearerAuth({ apiKey: environment.apiVideoKey, baseUrl: 'https://sandbox.api.video' }),
 *   provideHttpClient(withInterceptors([bearerInterceptor])),
 * ] });
 */
export function provideBearerAuth(options: BearerAuthProviderOptions): EnvironmentProviders {
  const { startOnServer = false, ...authOptions } = options;
  return makeEnvironmentProviders([
    {
      provide: BEARER_AUTH,
      useFactory: (): BearerAuth => {
        if (!startOnServer && isPlatformServer(inject(PLATFORM_ID))) return inertBearerAuth();
        const auth = createBearerAuth(authOptions);
        inject(DestroyRef).onDestroy(() => auth.dispose());
        return auth;
      },
    },
  ]);
}

/** The BearerAuth of the current injector, typed. Call it where inject() works. */
export function injectBearerAuth(): BearerAuth {
  return inject(BEARER_AUTH);
}
