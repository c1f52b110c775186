// S8: a fleet of N real Node processes, with and without the Redis store: auth calls
// at a cold start (200 concurrent requests each) and over 10 s of 2 s tokens.
import { createApiVideoTestServer } from 'rx-bearer/testing';
import { startFleet } from '../spec/integration/fleet/fleet.js';
import { startRedisServer } from '../spec/integration/redis/redis-server.js';

type Tally = { ok: number; failed: number };
const API_KEY = 'bench-fleet-api-key';
const failed = (tallies: Tally[]) => tallies.reduce((total, t) => total + t.failed, 0);

export async function fleet(size: number, withStore: boolean, seconds = 10) {
  const server = await createApiVideoTestServer({ apiKey: API_KEY });
  const redis = withStore ? await startRedisServer() : null;
  const processes = await startFleet(size, { BASE_URL: server.url, REDIS_URL: redis?.url ?? '', API_KEY, STORE: withStore ? 'redis' : 'none' });
  const calls = () => ({ logins: server.counts['POST /auth/api-key'] ?? 0, refreshes: server.counts['POST /auth/refresh'] ?? 0 });
  try {
    await processes.all({ type: 'start' });
    const burst = await processes.all<Tally>({ type: 'burst', n: 200 });
    const cold = { ...calls(), failed: failed(burst) };
    server.ttl = 2;
    server.reset();
    await processes.all({ type: 'start' }); // fresh clients; with the store, the shared 3600 s session is still there: drop it
    if (redis) await redis.stop().then(() => redis.start());
    const steady = await processes.all<Tally>({ type: 'steady', ms: seconds * 1000, every: 50 });
    const expiry = { ...calls(), unauthorized: server.unauthorized, failed: failed(steady) };
    return { size, store: withStore, cold, expiry };
  } finally {
    await processes.stop();
    await redis?.stop();
    await server.close();
  }
}
