import { createServerAdapter } from '@whatwg-node/server';
import { firstValueFrom } from 'rxjs';
import { provideBearerAuth } from '../../src/angular/index.js';
import { createBearerAuth, type BearerAuth } from '../../src/index.js';
import { clientCredentials } from '../../src/oauth2/index.js';
import { createTokenHandler, type TokenHandler } from '../../src/server/index.js';
import { settleAll } from '../helpers/http.js';
import { angularInjector } from '../angular/angular-injector.js';
import { SECRET, startOidcServer, type OidcServer } from './oidc-server.js';

describe('OAuth sources behind rx-bearer/server and rx-bearer/angular (oidc-provider, real HTTP)', () => {
  let server: OidcServer;
  let handler: TokenHandler | undefined;
  let auth: BearerAuth | undefined;
  beforeEach(async () => {
    server = await startOidcServer();
  });
  afterEach(async () => {
    auth?.dispose();
    handler?.dispose();
    auth = handler = undefined;
    await server.close();
  });
  const source = () => clientCredentials({ issuer: server.issuer, clientId: 'svc', clientSecret: SECRET });

  it('createTokenHandler({ source }) serves a browser client: one token request upstream, the secret in no answer', async () => {
    handler = createTokenHandler({ source: source(), baseUrl: server.api.url, authorize: () => true });
    const bodies: string[] = [];
    server.api.mount('/api/token', createServerAdapter(async (request: Request) => {
      const answer = await handler!(request);
      bodies.push(await answer.clone().text());
      return answer;
    }));
    auth = createBearerAuth({ tokenUrl: `${server.api.url}/api/token`, baseUrl: server.api.url });
    const result = await settleAll(Array.from({ length: 10 }, () => auth!.json('/videos')));
    expect(result.ok).toBe(10);
    expect(server.tokenRequests).toBe(1);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).not.toContain(SECRET);
  });

  it('createTokenHandler refuses "source" with "apiKey"', () => {
    expect(() => createTokenHandler({ source: source(), apiKey: 'k', authorize: () => true })).toThrowError(TypeError, /"source"/);
  });

  it('provideBearerAuth({ source }) on the server side: the interceptor sends the OAuth token, one token request', async () => {
    const { injector, http } = angularInjector([provideBearerAuth({ source: source(), baseUrl: server.api.url, startOnServer: true })], { real: true, platform: 'server' });
    try {
      const pages = await Promise.all([1, 2, 3].map(() => firstValueFrom(http.get<{ data: unknown[] }>(`${server.api.url}/videos`))));
      expect(pages.every((page) => Array.isArray(page.data))).toBeTrue();
      expect(server.tokenRequests).toBe(1);
    } finally {
      injector.destroy();
    }
  });
});
