import { createHash } from 'node:crypto';
import { MAX_AUTH_BODY, type StoreClient, type TokenStore } from '../core.js';
import { commandOf, messagesOn, type RedisClientLike } from './redis-client.js';
import { sessionCodec } from './session-codec.js';
import { sharedCycle } from './shared-cycle.js';

export interface RedisTokenStoreOptions {
  /** Your connected client: node-redis (v4+) or ioredis. rx-bearer never connects nor closes it. */
  client: RedisClientLike;
  /** Prefix of every key and channel. @default 'rx-bearer:' */
  prefix?: string;
  /**
   * Encrypts the stored session with AES-256-GCM (key derived with HKDF-SHA256):
   * 32 random bytes, or a string of at least 16 characters, the same in every process.
   * Without it, Redis holds live credentials (access and refresh tokens) in clear. @default none
   */
  encryptionKey?: string | Uint8Array;
  /** Time limit of each Redis call, in ms; a slower or failed call sends that auth cycle on alone. @default 250 */
  timeout?: number;
}

/**
 * Take the lock, or cap the TTL of the one another process holds: a lock left without a TTL (a
 * hand-made SET, another client) or with a huge one (a killed holder with a large budget) then ends
 * within ARGV[3] ms for the whole fleet. Returns the holder's id (ARGV[1] when taken). One round trip, atomic.
 */
const LOCK = `if redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return ARGV[1] end
local ttl = redis.call('pttl', KEYS[1])
if ttl == -1 or ttl > tonumber(ARGV[3]) then redis.call('pexpire', KEYS[1], ARGV[3]) end
return redis.call('get', KEYS[1]) or ''`;

/** Compare-and-delete: the lock is released only by the process that holds it. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * A TokenStore on Redis: every process with the same `baseUrl` and API key
 * shares one session, so that a fleet logs in once and refreshes once per
 * expiry. Keys: `{prefix}{id}:session` (Redis TTL = the token's expiry),
 * `{prefix}{id}:lock` (SET NX PX), channel `{prefix}{id}:published`, where
 * `id` is a SHA-256 of baseUrl and the API key (the key itself is never stored).
 *
 * @example
 * import { createClient } from 'redis';
 * import { redisTokenStore } from 'rx-bearer/redis';
 * const client = await createClient({ url: process.env.REDIS_URL }).on('error', console.error).connect();
 * const auth = createBearerAuth({ apiKey, store: redisTokenStore({ client, encryptionKey: process.env.TOKEN_KEY }) });
 */
export function redisTokenStore(options: RedisTokenStoreOptions): TokenStore {
  if (options === null || typeof options !== 'object') throw new TypeError('"options" must be an object');
  const { client, prefix = 'rx-bearer:', encryptionKey, timeout = 250 } = options;
  const command = commandOf(client ?? ({} as RedisClientLike));
  if (typeof prefix !== 'string') throw new TypeError('"prefix" option must be a string');
  if (typeof timeout !== 'number' || !(timeout >= 1 && timeout <= 2 ** 31 - 1)) throw new TypeError('"timeout" option must be a number >= 1');
  sessionCodec(encryptionKey, ''); // validates encryptionKey now, in the factory

  return {
    open(auth: StoreClient) {
      // With tokenUrl there is no API key here: your token endpoint logs in, and can share its session itself.
      // A source without shareAs (refreshTokenGrant) holds a rotating refresh token in one process: sharing its sessions would fork the grant.
      if (auth.apiKey.reveal() === '') {
        throw new TypeError('"store" option must be used with "apiKey" or a source that can be shared (clientCredentials), not "tokenUrl" nor a refresh-token source, whose rotating refresh token lives in one process');
      }
      const id = createHash('sha256').update(`${auth.scope.baseUrl}\n${auth.apiKey.reveal()}`).digest('base64url').slice(0, 32);
      const [sessionKey, lockKey, channel] = ['session', 'lock', 'published'].map((name) => `${prefix}${id}:${name}`) as [string, string, string];
      const codec = sessionCodec(encryptionKey, sessionKey);
      return sharedCycle(
        {
          // Checked before it is read: at most MAX_AUTH_BODY + 1 bytes come back, and more than the cap is no session
          // (a planted or corrupted 64 MB value cost every process 3x its size at every cycle with GET).
          read: async () => {
            const value = await command(['GETRANGE', sessionKey, '0', String(MAX_AUTH_BODY)]);
            return typeof value === 'string' && value.length > MAX_AUTH_BODY ? null : codec.decode(value);
          },
          lock: async (id, ttl, cap) => String(await command(['EVAL', LOCK, '1', lockKey, id, String(Math.ceil(ttl)), String(Math.ceil(cap))])),
          release: (holder) => command(['EVAL', RELEASE, '1', lockKey, holder]),
          publish: async (session) => {
            const ttl = Math.ceil(session.expiresAt - auth.scheduler.now());
            if (ttl <= 0) return;
            await command(['SET', sessionKey, codec.encode(session), 'PX', String(ttl)]);
            await command(['PUBLISH', channel, '1']);
          },
          published: messagesOn(client, channel),
        },
        auth,
        { callTimeout: timeout, pollInterval: 200 },
      );
    },
  };
}
