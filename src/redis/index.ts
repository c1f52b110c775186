/**
 * A Redis token store: one login and one refresh for a fleet of processes.
 *
 * @module rx-bearer/redis
 */
export { redisTokenStore } from './redis-token-store.js';

export type { RedisTokenStoreOptions } from './redis-token-store.js';
export type { IoRedisClientLike, IoRedisSubscriberLike, NodeRedisClientLike, RedisClientLike, RedisSubscriberLike } from './redis-client.js';
export type { SharedSession } from './session-codec.js';
export type { SessionStore } from './shared-cycle.js';
