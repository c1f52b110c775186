// The README's HTTP example, as a Vitest user writes it.
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
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
      await expect(listVideos()).resolves.toBeDefined();

      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.unauthorized).toBe(1);
    } finally {
      auth.dispose();
      await server.close();
    }
  });

  it('lists the videos it created', async () => {
    const server = await createApiVideoTestServer();
    const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    try {
      await firstValueFrom(auth.json('/videos', { method: 'POST', body: JSON.stringify({ title: 'from vitest' }) }));
      const page = await firstValueFrom(auth.json<{ data: Array<{ title: string }>; pagination: { itemsTotal: number } }>('/videos'));
      expect(page.data.map((video) => video.title)).toEqual(['from vitest']);
      expect(page.pagination.itemsTotal).toBe(1);
    } finally {
      auth.dispose();
      await server.close();
    }
  });
});
