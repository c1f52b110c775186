// The README's fleet example with both clients, the way an app writes it: checked by every TypeScript
// version the README claims (5.0 to 5.9), skipLibCheck false and true. Only the core and rx-bearer/redis:
// Angular's and @types/node's newest declarations need a newer tsc than 5.0 when library checks are on.
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createBearerAuth, isRxBearerError, type BearerAuth } from 'rx-bearer';
import { redisTokenStore, type RedisClientLike } from 'rx-bearer/redis';

const nodeRedis = createClient({ url: 'redis://127.0.0.1:6379' });
const ioredis = new Redis(6379, '127.0.0.1', { lazyConnect: true });
export const viaNodeRedis: BearerAuth = createBearerAuth({ apiKey: 'k', store: redisTokenStore({ client: nodeRedis, encryptionKey: 'an operator-chosen key' }) });
export const viaIoredis: BearerAuth = createBearerAuth({ apiKey: 'k', store: redisTokenStore({ client: ioredis }) });
export const clients: RedisClientLike[] = [nodeRedis, ioredis];

// A code narrows to its class: `status` exists on HttpError only (TS2339 on RxBearerError).
export const statusOf = (e: unknown): number | undefined => (isRxBearerError(e, 'ERR_HTTP') ? e.status : undefined);
export const reasonOf = (e: unknown, code: 'ERR_AUTH' | 'ERR_FETCH_UNAVAILABLE') => (isRxBearerError(e, code) ? e.reason : undefined);
export const codeOf = (e: unknown) => (isRxBearerError(e) ? e.code : undefined);
