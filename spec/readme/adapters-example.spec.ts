import axios from 'axios';
import ky from 'ky';
import { createBearerAuth } from 'rx-bearer';
import { useBearer } from 'rx-bearer/axios';
import { bearerKy } from 'rx-bearer/ky';
import { createApiVideoTestServer } from 'rx-bearer/testing';

describe('ky and axios through rx-bearer', () => {
  it('share one login and one refresh after a revocation', async () => {
    const server = await createApiVideoTestServer({ apiKey: 'test-key' });
    const auth = createBearerAuth({ apiKey: 'test-key', baseUrl: server.url });
    try {
      const api = ky.create({ prefixUrl: server.url, ...bearerKy(auth) });
      const http = axios.create({ baseURL: server.url });
      useBearer(http, auth);

      await api.get('videos').json();
      server.revokeAll();
      await Promise.all([api.get('videos').json(), http.get('/videos'), http.post('/videos', { title: 'a' })]);

      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(server.counts['POST /auth/refresh']).toBe(1);
    } finally {
      auth.dispose();
      await server.close();
    }
  });
});
