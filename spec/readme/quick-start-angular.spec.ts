import { HttpClient } from '@angular/common/http';
import { Injector, PLATFORM_ID, createEnvironmentInjector, importProvidersFrom, provideZonelessChangeDetection, type EnvironmentInjector } from '@angular/core';
import { BrowserModule } from '@angular/platform-browser';
import { createServerAdapter } from '@whatwg-node/server';
import { firstValueFrom } from 'rxjs';
import { createTokenHandler, type TokenHandler } from '../../src/server/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../src/testing/index.js';
import { appConfig } from './quick-start/app.config.js';

/**
 * The README's Angular quick start (spec/readme/quick-start/app.config.ts, shown verbatim) in an app's injector,
 * as a page on the test server's origin: that origin also serves the server half (createTokenHandler at /api/video-token).
 */
describe("README's Angular quick start", () => {
  let server: ApiVideoTestServer;
  let handler: TokenHandler;
  const realFetch = globalThis.fetch;
  const page = globalThis as { location?: { href: string } };

  beforeEach(async () => {
    server = await createApiVideoTestServer({ apiKey: 'your-sandbox-api-key' });
    handler = createTokenHandler({ apiKey: 'your-sandbox-api-key', baseUrl: server.url, authorize: () => true });
    server.mount('/api/video-token', createServerAdapter(handler));
    // The page's address, against which the relative tokenUrl resolves.
    page.location = { href: `${server.url}/app/` };
    // The test server plays the sandbox: rx-bearer and HttpClient (withFetch) both call the global fetch.
    globalThis.fetch = (input, init) => realFetch(String(input instanceof Request ? input.url : input).replace('https://sandbox.api.video', server.url), init);
  });
  afterEach(async () => {
    globalThis.fetch = realFetch;
    delete page.location;
    handler.dispose();
    await server.close();
  });

  it('gets one token from the server half and sends HttpClient calls to the sandbox with it', async () => {
    // What bootstrapApplication(App, appConfig) gives a browser app.
    const providers = [importProvidersFrom(BrowserModule), provideZonelessChangeDetection(), { provide: PLATFORM_ID, useValue: 'browser' }, ...appConfig.providers];
    const injector = createEnvironmentInjector(providers, Injector.NULL as EnvironmentInjector);
    try {
      const http = injector.get(HttpClient);
      const pages = await Promise.all([1, 2, 3].map(() => firstValueFrom(http.get<{ data: unknown[] }>('https://sandbox.api.video/videos'))));
      expect(pages.map((page) => page.data)).toEqual([[], [], []]);
      expect(server.counts['POST /api/video-token']).toBe(1);
      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(server.log.filter((entry) => entry.path === '/videos').map((entry) => entry.token)).toEqual(Array(3).fill([...server.issued][0]));
    } finally {
      injector.destroy();
    }
  });
});
