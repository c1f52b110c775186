import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from 'rx-bearer';
import { createApiVideoTestServer } from 'rx-bearer/testing';

describe('listing videos over HTTP', () => {
  it('keeps working when the server revokes every token', async () => {
    const server = await createApiVideoTestServer({ apiKey: 'test-key' });
    const auth = createBearerAuth({ apiKey: 'test-key', baseUrl: server.url });
    try {
      const listVideos = () => firstValueFrom(auth.json<{ data: unknown[] }>('/videos'));
      await listVideos();

      server.revokeAll();
      await expectAsync(listVideos()).toBeResolved();

      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.unauthorized).toBe(1);
    } finally {
      auth.dispose();
      await server.close();
    }
  });
});
