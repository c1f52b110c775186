import { createBearerAuth, AuthError, DisposedError } from '../../src/index.js';
import { bearerCredential, isUnauthenticated } from '../../src/grpc/index.js';
import { adapterServers } from './adapter-servers.js';

describe('rx-bearer/grpc (bearerCredential): the getRequestHeaders(url) contract', () => {
  const the = adapterServers();

  it("gives a plain-object Authorization header for the API's origin and an allowed origin, one login for many", async () => {
    const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: the.api.url, allowedOrigins: ['https://grpc.example.com:50051'] });
    try {
      const credential = bearerCredential(auth);
      const all = await Promise.all([credential.getRequestHeaders(`${the.api.url}/videos`), credential.getRequestHeaders('https://grpc.example.com:50051/video.Videos')]);
      for (const headers of all) {
        expect(Object.keys(headers)).toEqual(['authorization']);
        expect(the.api.issued.has(headers['authorization']!.replace('Bearer ', ''))).toBeTrue();
      }
      expect(the.api.counts['POST /auth/api-key']).toBe(1);
    } finally {
      auth.dispose();
    }
  });

  it('gives {} (and logs in for none) to another origin, the auth routes, no URL, and a URL that does not parse', async () => {
    const credential = bearerCredential(the.auth);
    for (const url of [`${the.other.url}/x`, `${the.api.url}/auth/refresh`, undefined, 'http://[not-a-host/x', 'https://grpc.example.com:50051/video.Videos']) {
      expect(await credential.getRequestHeaders(url)).toEqual({});
    }
    expect(the.api.counts['POST /auth/api-key']).toBeUndefined();
  });

  it('fails with the typed login error when the key is refused, and with DisposedError after dispose(), never hangs', async () => {
    the.api.rejectApiKey();
    const credential = bearerCredential(the.auth);
    await expectAsync(credential.getRequestHeaders(`${the.api.url}/videos`)).toBeRejectedWith(jasmine.any(AuthError));
    the.auth.dispose();
    await expectAsync(credential.getRequestHeaders(`${the.api.url}/videos`)).toBeRejectedWith(jasmine.any(DisposedError));
  });

  it('resolves a relative URL against baseUrl, as auth.fetch does', async () => {
    expect(Object.keys(await bearerCredential(the.auth).getRequestHeaders('/videos'))).toEqual(['authorization']);
  });

  it("isUnauthenticated knows gRPC's status 16 only", () => {
    expect([{ code: 16 }, { code: 7 }, { status: 401 }, null, undefined, 'x'].map(isUnauthenticated)).toEqual([true, false, false, false, false, false]);
  });
});
