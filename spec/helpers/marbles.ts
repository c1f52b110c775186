import { throwError, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import type { AuthTransport, TokenResponse } from '../../src/index.js';

/** A fresh TestScheduler whose assertions are jasmine expectations. */
export const createTestScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** A token response with predictable names: access-N / refresh-N. */
export const numberedTokenResponse = (n: number, expiresInSeconds = 10): TokenResponse => ({
  token_type: 'Bearer',
  expires_in: expiresInSeconds,
  access_token: `access-${n}`,
  refresh_token: `refresh-${n}`,
});

/**
 * A transport that answers with the next scripted observable of each kind,
 * recording what it was called with; running out of script is a test bug
 * and fails loudly.
 */
export function scriptedTransport(script: { login?: Observable<TokenResponse>[]; refresh?: Observable<TokenResponse>[] }) {
  const calls = { login: [] as string[], refresh: [] as string[] };
  const next = (kind: 'login' | 'refresh', queue: Observable<TokenResponse>[] = []) => (secret: string) => {
    calls[kind].push(secret);
    return queue.shift() ?? throwError(() => new Error(`unscripted ${kind} call #${calls[kind].length}`));
  };
  const transport: AuthTransport = { login: next('login', script.login), refresh: next('refresh', script.refresh) };
  return { transport, calls };
}
