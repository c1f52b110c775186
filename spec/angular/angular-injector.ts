import { DOCUMENT } from '@angular/common';
import { HttpClient, provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Injector, PLATFORM_ID, createEnvironmentInjector, importProvidersFrom, provideZonelessChangeDetection, type EnvironmentInjector, type Provider, type EnvironmentProviders } from '@angular/core';
import { BrowserModule } from '@angular/platform-browser';
import { bearerInterceptor } from '../../src/angular/index.js';

/**
 * A bare environment injector with Angular's real HttpClient and our
 * interceptor: no TestBed, zone.js or DOM needed under jasmine in Node.
 */
export function angularInjector(
  providers: Array<Provider | EnvironmentProviders>,
  { real = false, platform = 'browser', documentBase }: { real?: boolean; platform?: string; documentBase?: string } = {},
) {
  const injector = createEnvironmentInjector(
    [
      importProvidersFrom(BrowserModule),
      provideZonelessChangeDetection(),
      { provide: PLATFORM_ID, useValue: platform },
      real ? provideHttpClient(withFetch(), withInterceptors([bearerInterceptor])) : provideHttpClient(withInterceptors([bearerInterceptor])),
      ...(real ? [] : [provideHttpClientTesting()]),
      // The page's base URI, against which a browser resolves relative request URLs.
      ...(documentBase ? [{ provide: DOCUMENT, useValue: { baseURI: documentBase } }] : []),
      ...providers,
    ],
    Injector.NULL as EnvironmentInjector,
  );
  return {
    injector,
    http: injector.get(HttpClient),
    controller: () => injector.get(HttpTestingController),
  };
}
