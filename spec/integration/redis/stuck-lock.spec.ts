import { createHash } from 'node:crypto';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { createClient } from 'redis';
import { createBearerAuth } from '../../../src/index.js';
import { redisTokenStore } from '../../../src/redis/index.js';
import { LOCK_TTL_CAP } from '../../../src/redis/shared-cycle.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

const API_KEY = 'stuck-lock-api-key-0123456789';

/**
 * A lock nobody will release (#22): planted without a TTL, or with the TTL a killed holder with
 * requestTimeout 60 s × 10 attempts would have left (599,903 ms). Before, a request waited with no
 * limit (still 'authenticating' at 8 s, 0 logins).
 */
describe('rx-bearer/redis: a stuck lock never stalls the fleet (a real redis-server)', () => {
  let server: ApiVideoTestServer;
  let redis: RedisServer;
  let admin: ReturnType<typeof createClient>;
  let run = 0;

  beforeAll(async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY });
    redis = await startRedisServer();
    admin = createClient({ url: redis.url }).on('error', () => {});
    await admin.connect();
  }, 30_000);
  afterAll(async () => {
    admin?.destroy();
    await redis?.stop();
    await server?.close();
  });

  /** The lock's key, as redisTokenStore names it: `{prefix}{SHA-256 of baseUrl and key}:lock`. */
  const lockKey = (prefix: string) => `${prefix}${createHash('sha256').update(`${server.url}\n${API_KEY}`).digest('base64url').slice(0, 32)}:lock`;

  for (const [name, plant] of [
    ['a lock without a TTL (SET without PX)', (key: string) => admin.sendCommand(['SET', key, '999999:planted'])],
    ['a killed holder\'s lock (SET … PX 599903)', (key: string) => admin.sendCommand(['SET', key, '999999:planted', 'PX', '599903'])],
  ] as const) {
    it(`${name}: a request completes within this process's budget (requestTimeout × maxAttempts), with one login, and the lock's TTL is capped`, async () => {
      server.reset();
      const prefix = `stuck-${++run}:`;
      await plant(lockKey(prefix));
      const client = createClient({ url: redis.url }).on('error', () => {});
      await client.connect();
      // Budget: 1 s × 2 attempts = 2 s of waiting for the fleet's lock, then on alone.
      const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, requestTimeout: 1000, retry: { maxAttempts: 2 }, store: redisTokenStore({ client, prefix }) });
      try {
        const started = Date.now();
        await lastValueFrom(auth.json('/videos'));
        const elapsed = Date.now() - started;
        expect(elapsed).withContext('ms to the answer: it waited for the lock first').toBeGreaterThanOrEqual(1500);
        expect(elapsed).withContext('ms to the answer: within the 2 s budget, plus slack for a loaded machine').toBeLessThan(2000 + 1500);
        expect(server.counts['POST /auth/api-key']).toBe(1);
        expect(await firstValueFrom(auth.state$)).toEqual(jasmine.objectContaining({ status: 'authenticated', coordination: 'alone' }));
        // The waiter capped the stuck lock's TTL for the whole fleet: it ends within LOCK_TTL_CAP.
        const pttl = Number(await admin.sendCommand(['PTTL', lockKey(prefix)]));
        expect(pttl).toBeGreaterThan(0);
        expect(pttl).toBeLessThanOrEqual(LOCK_TTL_CAP);
      } finally {
        auth.dispose();
        client.destroy();
      }
    }, 20_000);
  }

  it("a new holder (the last one's lock replaced) gets a budget of its own: the waiter waits for it instead of going alone", async () => {
    server.reset();
    const prefix = `stuck-${++run}:`;
    const key = lockKey(prefix);
    await admin.sendCommand(['SET', key, '999999:first', 'PX', '10000']);
    const client = createClient({ url: redis.url }).on('error', () => {});
    await client.connect();
    // Budget: 1.5 s × 2 attempts = 3 s per holder. The first holder is replaced at 1.5 s, and the second
    // releases at 3.8 s: after the first holder's budget (3.2 s with one poll), within the second's (4.7 s).
    const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, requestTimeout: 1500, retry: { maxAttempts: 2 }, store: redisTokenStore({ client, prefix }) });
    const timers = [
      setTimeout(() => void admin.sendCommand(['SET', key, '999998:second', 'PX', '10000']), 1500),
      setTimeout(() => void admin.sendCommand(['DEL', key]), 3800),
    ];
    try {
      const started = Date.now();
      await lastValueFrom(auth.json('/videos'));
      expect(Date.now() - started).withContext('ms to the answer: it waited for the second holder').toBeGreaterThanOrEqual(3700);
      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(await firstValueFrom(auth.state$)).toEqual(jasmine.objectContaining({ status: 'authenticated', coordination: 'shared' }));
    } finally {
      timers.forEach(clearTimeout);
      auth.dispose();
      client.destroy();
    }
  }, 20_000);

  it(`a holder with requestTimeout 60 s × 10 attempts sets its lock's TTL to at most LOCK_TTL_CAP (${LOCK_TTL_CAP} ms)`, async () => {
    server.reset();
    const prefix = `stuck-${++run}:`;
    server.fail('POST /auth/api-key', { hang: true });
    const client = createClient({ url: redis.url }).on('error', () => {});
    await client.connect();
    const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, requestTimeout: 60_000, retry: { maxAttempts: 10 }, store: redisTokenStore({ client, prefix }) });
    const subscription = auth.token$.subscribe({ error: () => {} });
    try {
      let pttl = -2;
      for (const end = Date.now() + 5000; pttl === -2 && Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 50))) {
        pttl = Number(await admin.sendCommand(['PTTL', lockKey(prefix)]));
      }
      expect(pttl).withContext('the holder took the lock').toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(LOCK_TTL_CAP);
    } finally {
      subscription.unsubscribe();
      auth.dispose();
      client.destroy();
      server.reset();
    }
  }, 20_000);
});
