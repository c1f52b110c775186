import { Redis } from 'ioredis';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { createClient } from 'redis';
import { createBearerAuth } from '../../../src/index.js';
import { redisTokenStore, type RedisClientLike } from '../../../src/redis/index.js';
import { sessionCodec } from '../../../src/redis/session-codec.js';
import { createApiVideoTestServer, type ApiVideoTestServer } from '../../../src/testing/index.js';
import { startRedisServer, type RedisServer } from './redis-server.js';

const API_KEY = 'store-api-key-0123456789';

describe('rx-bearer/redis redisTokenStore (one process, a real redis-server)', () => {
  let server: ApiVideoTestServer;
  let redis: RedisServer;
  const clients: Array<{ close(): unknown }> = [];

  beforeAll(async () => {
    server = await createApiVideoTestServer({ apiKey: API_KEY });
    redis = await startRedisServer();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
    await server?.close();
  });
  afterEach(() => clients.splice(0).forEach((client) => client.close()));

  const nodeRedis = async () => {
    const client = createClient({ url: redis.url }).on('error', () => {});
    await client.connect();
    clients.push({ close: () => client.destroy() });
    return client;
  };
  const ioredis = async () => {
    const client = new Redis(redis.port, '127.0.0.1', { lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
    clients.push({ close: () => client.disconnect() });
    return client as unknown as RedisClientLike;
  };

  for (const [name, connect] of [['node-redis', nodeRedis], ['ioredis', ioredis]] as const) {
    it(`${name}: two clients with the same key share one login, and revocation costs one refresh`, async () => {
      server.reset();
      const prefix = `${name}:`;
      const [a, b] = await Promise.all([connect(), connect()]);
      const first = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: a, prefix }) });
      const second = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: b, prefix }) });
      try {
        await lastValueFrom(first.json('/videos'));
        await lastValueFrom(second.json('/videos'));
        expect(server.counts['POST /auth/api-key']).toBe(1);
        server.revokeAll();
        await lastValueFrom(first.json('/videos'));
        await lastValueFrom(second.json('/videos'));
        expect(server.counts['POST /auth/refresh']).toBe(1);
        expect(server.counts['POST /auth/api-key']).toBe(1);
        expect(await firstValueFrom(second.state$)).toEqual(jasmine.objectContaining({ status: 'authenticated', coordination: 'shared' }));
      } finally {
        first.dispose();
        second.dispose();
      }
    }, 20_000);
  }

  it('reads at most 64 KB of the session key: a larger value (planted, or corrupted) is no session, and the process logs in (outside review, 2026-12-03)', async () => {
    server.reset();
    const prefix = 'oversized:';
    const [a, b, c] = await Promise.all([nodeRedis(), nodeRedis(), nodeRedis()]);
    const first = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: a, prefix }) });
    let second: ReturnType<typeof createBearerAuth> | undefined;
    try {
      await lastValueFrom(first.json('/videos'));
      const [key] = await c.keys(`${prefix}*:session`);
      const stored = JSON.parse((await c.get(key!))!) as Record<string, unknown>;
      // A valid session, padded: read whole (as GET did), it would be taken as the fleet's session.
      await c.set(key!, JSON.stringify({ ...stored, pad: 'x'.repeat(70_000) }), { PX: 60_000 });
      second = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: b, prefix }) });
      await lastValueFrom(second.json('/videos'));
      expect(server.counts['POST /auth/api-key']).toBe(2);
      // Under the cap, the same padded session is the fleet's.
      await c.set(key!, JSON.stringify({ ...stored, pad: 'x'.repeat(60_000) }), { PX: 60_000 });
      const third = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: b, prefix }) });
      await lastValueFrom(third.json('/videos'));
      third.dispose();
      expect(server.counts['POST /auth/api-key']).toBe(2);
    } finally {
      first.dispose();
      second?.dispose();
    }
  }, 20_000);

  it('a process that went alone (Redis failed at its start) gets no 401 after a revocation: the fleet\'s session, refused as well, is refreshed, not taken as is', async () => {
    server.reset();
    const prefix = 'revoked-alone:';
    const [a, b] = await Promise.all([nodeRedis(), nodeRedis()]);
    let failing = true;
    // A real client whose commands fail until `failing` is cleared, as a Redis too slow at a cold start would look.
    const flaky: RedisClientLike = { sendCommand: (args) => (failing ? Promise.reject(new Error('ECONNRESET')) : a.sendCommand(args)) };
    const alone = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: flaky, prefix }) });
    const shared = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: b, prefix }) });
    try {
      await lastValueFrom(alone.json('/videos'));
      failing = false;
      await lastValueFrom(shared.json('/videos'));
      expect(server.counts['POST /auth/api-key']).toBe(2);
      expect(await firstValueFrom(alone.state$)).toEqual(jasmine.objectContaining({ coordination: 'alone' }));
      server.revokeAll();
      // Before: the process alone took the fleet's session (newer than its own, not due) and got HttpError 401.
      await lastValueFrom(alone.json('/videos'));
      await lastValueFrom(shared.json('/videos'));
      expect(server.counts['POST /auth/refresh']).toBe(1);
      expect(server.counts['POST /auth/api-key']).toBe(2);
      expect(await firstValueFrom(alone.state$)).toEqual(jasmine.objectContaining({ status: 'authenticated', coordination: 'shared' }));
    } finally {
      alone.dispose();
      shared.dispose();
    }
  }, 20_000);

  it('goes on alone when Redis does not answer, and says so in state$', async () => {
    server.reset();
    // A client whose every command fails, as a Redis that is down would make it.
    const down: RedisClientLike = { sendCommand: () => Promise.reject(new Error('ECONNREFUSED')) };
    const auth = createBearerAuth({ apiKey: API_KEY, baseUrl: server.url, store: redisTokenStore({ client: down }) });
    try {
      await lastValueFrom(auth.json('/videos'));
      expect(server.counts['POST /auth/api-key']).toBe(1);
      expect(await firstValueFrom(auth.state$)).toEqual(jasmine.objectContaining({ status: 'authenticated', coordination: 'alone' }));
    } finally {
      auth.dispose();
    }
  });

  it('refuses bad options with a TypeError naming the option', () => {
    const client = { sendCommand: () => Promise.resolve(null) };
    const bad: Array<[string, unknown]> = [
      ['client', {}],
      ['client', { client: {} }],
      ['prefix', { client, prefix: 42 }],
      ['timeout', { client, timeout: 0 }],
      ['timeout', { client, timeout: NaN }],
      ['encryptionKey', { client, encryptionKey: 'short' }],
      ['encryptionKey', { client, encryptionKey: new Uint8Array(8) }],
      ['encryptionKey', { client, encryptionKey: 42 }],
    ];
    for (const [option, options] of bad) {
      expect(() => redisTokenStore(options as never)).withContext(option).toThrowMatching((error) => error instanceof TypeError && error.message.includes(`"${option}"`));
    }
    expect(() => createBearerAuth({ apiKey: API_KEY, store: {} as never })).toThrowError(TypeError, /"store"/);
    // With tokenUrl there is no API key to name the shared session after: the token endpoint logs in.
    expect(() => createBearerAuth({ tokenUrl: 'http://127.0.0.1:9/token', store: redisTokenStore({ client }) })).toThrowError(TypeError, /"store"/);
  });
});

describe('rx-bearer/redis session encryption', () => {
  const session = { accessToken: 'access-token-value', refreshToken: 'refresh-token-value', issuedAt: 1, expiresAt: 2 };

  it('reads back what it wrote, and nothing of the session shows in the stored value', () => {
    const codec = sessionCodec('an operator-chosen encryption key', 'rx-bearer:id:session');
    const stored = codec.encode(session);
    expect(stored).not.toContain('access-token-value');
    expect(stored).not.toContain('refresh-token-value');
    expect(codec.decode(stored)).toEqual(session);
  });

  it('reads as no session a value sealed with another key, moved to another Redis key, tampered with, or in clear', () => {
    const codec = sessionCodec('an operator-chosen encryption key', 'rx-bearer:id:session');
    const stored = codec.encode(session);
    expect(sessionCodec('another encryption key 0123456', 'rx-bearer:id:session').decode(stored)).toBeNull();
    expect(sessionCodec('an operator-chosen encryption key', 'rx-bearer:other:session').decode(stored)).toBeNull();
    const bytes = Buffer.from(stored.slice(stored.indexOf(':') + 1), 'base64');
    bytes[bytes.length - 1]! ^= 1;
    expect(codec.decode(`aes-256-gcm:${bytes.toString('base64')}`)).toBeNull();
    expect(codec.decode(JSON.stringify(session))).toBeNull();
  });
});
