import { isPlatformServer } from '@angular/common';
import { DestroyRef, InjectionToken, PLATFORM_ID, inject, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { DEFAULTS, createBearerAuth, type BearerAuth, type BearerAuthOptions } from 'rx-bearer';
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

/** Which requests the interceptor may give the token to; set by provideBearerAuth. */
export interface BearerAuthScope {
  readonly baseUrl: string;
  readonly origins: ReadonlySet<string>;
  /** False while rendering on the server without startOnServer. */
  readonly active: boolean;
}

/** The app's BearerAuth; inject it with injectBearerAuth(). */
export const BEARER_AUTH = new InjectionToken<BearerAuth>('rx-bearer BearerAuth');
export const BEARER_AUTH_SCOPE = new InjectionToken<BearerAuthScope>('rx-bearer token scope');

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
  const baseUrl = (authOptions.baseUrl ?? DEFAULTS.baseUrl).replace(/\/+$/, '');
  return makeEnvironmentProviders([
    {
      provide: BEARER_AUTH_SCOPE,
      useFactory: (): BearerAuthScope => ({
        baseUrl,
        origins: new Set([baseUrl, ...(authOptions.allowedOrigins ?? [])].map((url) => new URL(url).origin)),
        active: startOnServer || !isPlatformServer(inject(PLATFORM_ID)),
      }),
    },
    {
      provide: BEARER_AUTH,
      useFactory: (): BearerAuth => {
        if (!inject(BEARER_AUTH_SCOPE).active) return inertBearerAuth();
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
