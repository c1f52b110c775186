import { TestScheduler } from 'rxjs/testing';
import type { TokenResponse } from '../../src/index.js';
import { tokenResponse } from '../../src/testing/marbles.js';

// Scripted transports come from the published kit (createMarbleTransport with
// strict: true); only what is tied to jasmine or to these specs' naming is here.

/** A fresh TestScheduler whose assertions are jasmine expectations. */
export const createTestScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

/** The kit's tokenResponse with predictable names, access-N / refresh-N, that specs can assert on. */
export const numberedTokenResponse = (n: number, expiresInSeconds = 10): TokenResponse =>
  tokenResponse({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, expiresIn: expiresInSeconds });
