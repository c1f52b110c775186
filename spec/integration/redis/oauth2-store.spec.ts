import { createClient } from 'redis';
import { lastValueFrom } from 'rxjs';
import { createBearerAuth, type BearerAuth } from '../../../src/index.js';
import { clientCredentials } from '../../../src/oauth2/index.js';
import { redisTokenStore } from '../../../src/redis/index.js';
import { SECRET, startOidcServer, type OidcServer } from '../../oauth2/oidc-server.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

describe('rx-bearer/redis with an OAuth client-credentials source (oidc-provider, a real redis-server)', () => {
  let server: OidcServer;
  let redis: RedisServer;
  const closers: Array<() => unknown> = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(async () => {
    server = await startOidcServer();
  });
  afterEach(async () => {
    closers.splice(0).forEach((close) => close());
    await server.close();
  });

  const member = async (prefix: string, clientId = 'svc', clientAuth: 'client_secret_basic' | 'client_secret_post' = 'client_secret_basic'): Promise<BearerAuth> => {
    const client = createClient({ url: redis.url }).on('error', () => {});
    await client.connect();
    const auth = createBearerAuth({
      source: clientCredentials({ issuer: server.issuer, clientId, clientSecret: SECRET, clientAuth }),
      baseUrl: server.api.url,
      store: redisTokenStore({ client, prefix }),
    });
    closers.push(() => auth.dispose(), () => client.destroy());
    return auth;
  };

  it('four clients of the same OAuth client share one token request; the stored session is named without the secret', async () => {
    const fleet = await Promise.all([1, 2, 3, 4].map(() => member('oauth-share:')));
    for (const auth of fleet) await lastValueFrom(auth.json('/videos'));
    expect(server.tokenRequests).toBe(1);
    const inspector = createClient({ url: redis.url }).on('error', () => {});
    await inspector.connect();
    try {
      const keys = await inspector.keys('oauth-share:*');
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        expect(key).not.toContain(SECRET);
        if ((await inspector.type(key)) === 'string') expect(await inspector.get(key)).not.toContain(SECRET);
      }
    } finally {
      inspector.destroy();
    }
  });

  it('two different OAuth clients never share a session', async () => {
    const a = await member('oauth-apart:', 'svc');
    const b = await member('oauth-apart:', 'post', 'client_secret_post');
    await lastValueFrom(a.json('/videos'));
    await lastValueFrom(b.json('/videos'));
    expect(server.grants.map((grant) => grant.clientId).sort()).toEqual(['post', 'svc']);
  });
});
