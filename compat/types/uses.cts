// Every subpath, used the way an app uses it (a CommonJS module under node16: require() calls).
import { AuthError, createBearerAuth, ERROR_CODES, FetchUnavailableError, isRxBearerError, type BearerAuth, type BearerAuthOptions, type RxBearerErrorCode, type TokenStore } from 'rx-bearer';
import { bearerInterceptor, injectBearerAuth, provideBearerAuth } from 'rx-bearer/angular';
import { redisTokenStore, type RedisClientLike } from 'rx-bearer/redis';
import { createTokenHandler, type TokenHandlerOptions } from 'rx-bearer/server';
import { createApiVideoTestServer } from 'rx-bearer/testing';
import { createMarbleTransport, tokenResponse } from 'rx-bearer/testing/marbles';

export const auth: BearerAuth = createBearerAuth({ apiKey: 'k' });
export const used = [FetchUnavailableError, isRxBearerError, bearerInterceptor, injectBearerAuth, provideBearerAuth, createApiVideoTestServer, createMarbleTransport, tokenResponse];

// rx-bearer/server and rx-bearer/redis beside the core: they must share its declarations, or tsc
// (skipLibCheck: false) rejects the README's Redis example with TS2322 "Two different types with this
// name exist" (a second Secret, AuthError...). Core options flow into the token endpoint's.
declare const client: RedisClientLike;
export const shared: BearerAuth = createBearerAuth({ apiKey: 'k', store: redisTokenStore({ client }) });
export const store: TokenStore = redisTokenStore({ client });
const core: Pick<BearerAuthOptions, 'retry' | 'requestTimeout'> = { retry: { maxAttempts: 2 }, requestTimeout: 5_000 };
const endpoint: TokenHandlerOptions = { ...core, apiKey: 'k', authorize: () => true };
export const handler: (request: Request) => Promise<Response> = createTokenHandler(endpoint);
export const refused = (error: unknown): boolean => error instanceof AuthError && error.reason === 'rejected';
export const codes: readonly RxBearerErrorCode[] = ERROR_CODES;
