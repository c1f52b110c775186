import { firstValueFrom } from 'rxjs';
import { createBearerAuth } from '../src/index.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../src/testing/api-video-test-server.js';

/** The auth budget over real HTTP (127.0.0.1): the per-route memory is a saving, the budget the protection. */
describe('auth budget over HTTP', () => {
  let server: ApiVideoTestServer;
  beforeEach(async () => {
    server = await createApiVideoTestServer();
  });
  afterEach(() => server.close());

  it('50 sequential requests to 50 paths that always answer 401 cost at most 3 refreshes, each answered with its 401', async () => {
    for (let i = 0; i < 50; i++) server.fail(`GET /p${i}`, { status: 401, count: 10 });
    const auth = createBearerAuth({ apiKey: 'test-api-key', baseUrl: server.url });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++) statuses.push((await firstValueFrom(auth.fetch(`/p${i}`))).status);
      expect(statuses).toEqual(new Array(50).fill(401));
      expect(server.counts['POST /auth/refresh'] ?? 0).toBeLessThanOrEqual(3);
      expect(server.counts['POST /auth/api-key']).toBe(1);
    } finally {
      auth.dispose();
    }
  });
});
