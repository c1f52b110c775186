// The README's HTTP example, as a Jest user writes it (testEnvironment: node).
const { firstValueFrom } = require('rxjs');
const { createBearerAuth } = require('rx-bearer');
const { createApiVideoTestServer } = require('rx-bearer/testing');

describe('listing videos over HTTP', () => {
  it('keeps working when the server revokes every token', async () => {
    const server = await createApiVideoTestServer({ apiKey: 'test-key' });
    const auth = createBearerAuth({ apiKey: 'test-key', baseUrl: server.url });
    try {
      const listVideos = () => firstValueFrom(auth.json('/videos'));
      await listVideos();

      server.revokeAll();
      await expect(listVideos()).resolves.toBeDefined();

      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.unauthorized).toBe(1);
    } finally {
      auth.dispose();
      await server.close();
    }
  });
});
