import { firstValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../../src/index.js';
import { Agent, fetch as undiciFetch } from 'undici';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { selfSignedCertificate } from './tls.js';

// Moved from the redirect specs: the https server's certificate is made by openssl, a child process.
describe('redirects never carry the token to another origin', () => {
  let api: ApiVideoTestServer;
  let other: ApiVideoTestServer;
  let auth: BearerAuth | undefined;
  const via = (target: string) => `/redirect?to=${encodeURIComponent(target)}`;

  beforeEach(async () => {
    [api, other] = await Promise.all([createApiVideoTestServer(), createApiVideoTestServer()]);
  });
  afterEach(async () => {
    auth?.dispose();
    await Promise.all([api.close(), other.close()]);
  });

  it('drops the token and the cookie at an https -> http hop, even to the same host (the scheme is part of the origin)', async () => {
    const tlsOptions = await selfSignedCertificate();
    const secure = await createApiVideoTestServer({ tls: tlsOptions });
    const dispatcher = new Agent({ connect: { ca: tlsOptions.cert } });
    try {
      const trusting = ((input: string, init: RequestInit) => undiciFetch(input, { ...init, dispatcher } as never)) as unknown as typeof fetch;
      auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: secure.url, fetch: trusting, allowedOrigins: [api.url] });
      await firstValueFrom(auth.json('/videos')); // the token works on the https API
      const response = await firstValueFrom(auth.fetch(via(`${api.url}/videos`), { headers: { cookie: 'session=s3cret' } }));
      expect(response.status).toBe(401);
      expect(secure.log.filter((entry) => entry.path === '/redirect').map((entry) => entry.hadAuthorization)).toEqual([true]);
      expect(api.log.map(({ hadAuthorization, hadCookie }) => ({ hadAuthorization, hadCookie }))).toEqual([{ hadAuthorization: false, hadCookie: false }]);
    } finally {
      await dispatcher.close();
      await secure.close();
    }
  });
});
