import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider from 'oidc-provider'; // npm install -D oidc-provider@8 (8.x runs on Node 20; 9.x needs Node 22)
import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { clientCredentials } from 'rx-bearer/oauth2';
import { createApiVideoTestServer } from 'rx-bearer/testing';

describe('my service with an OAuth 2.0 client', () => {
  it('gets one token for many requests from a real authorization server', async () => {
    let provider: Provider;
    // The test server's API accepts the provider's tokens; the provider is mounted at /oidc on the same origin.
    const api = await createApiVideoTestServer({ acceptToken: async (token) => (await provider.ClientCredentials.find(token)) !== undefined });
    provider = new Provider(`${api.url}/oidc`, {
      clients: [{ client_id: 'svc', client_secret: 'test-secret', grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'api:read' }],
      scopes: ['api:read'],
      features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
    });
    const oidc = provider.callback();
    let tokenRequests = 0;
    api.mount('/oidc/', (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'POST' && req.url === '/oidc/token') tokenRequests++;
      // As Express's app.use('/oidc', …) does: oidc-provider routes below its issuer's path and builds its URLs from originalUrl.
      Object.assign(req, { originalUrl: req.url, url: req.url!.slice('/oidc'.length) });
      return oidc(req, res);
    });

    const auth = createBearerAuth({
      source: clientCredentials({ issuer: `${api.url}/oidc`, clientId: 'svc', clientSecret: 'test-secret', scope: 'api:read' }),
      baseUrl: api.url,
    });
    try {
      await Promise.all([1, 2, 3].map(() => firstValueFrom(auth.json('/videos'))));
      expect(tokenRequests).toBe(1);
    } finally {
      auth.dispose();
      await api.close();
    }
  });
});
