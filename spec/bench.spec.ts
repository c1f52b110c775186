import { rxBearer } from '../bench/contenders/index.js';
import { coldStart, expiry, outage, revocation } from '../bench/scenarios.js';
import { sizes } from '../bench/size.js';

/**
 * The benchmark's deterministic figures for rx-bearer (auth-call counts,
 * failures, bundle size), so that a regression fails CI. Timing figures stay
 * in npm run bench.
 */
describe('benchmark figures that must not regress', () => {
  it('S1 cold start: 1,000 concurrent requests, one login, none failed', async () => {
    expect(await coldStart(rxBearer, 1000)).toEqual(jasmine.objectContaining({ logins: 1, refreshes: 0, failed: 0 }));
  }, 30_000);

  it('S2 expiry: 1.5 s tokens at 25 requests/s: no 401 on the wire, none failed', async () => {
    expect(await expiry(rxBearer, 25, 2)).toEqual(jasmine.objectContaining({ unauthorized: 0, failed: 0 }));
  }, 30_000);

  it('S3 revocation storm: 1,000 concurrent requests after a revocation, one refresh, none failed', async () => {
    expect(await revocation(rxBearer, 1000)).toEqual(jasmine.objectContaining({ refreshes: 1, logins: 0, failed: 0 }));
  }, 30_000);

  it('S4 auth outage shorter than the retry budget: none failed, and rx-bearer retried by itself', async () => {
    expect(await outage(rxBearer)).toEqual(jasmine.objectContaining({ failed: 0, retriedByItself: true }));
  }, 30_000);

  it('S6 size: the browser core (rxjs excluded) stays within its byte budget', async () => {
    const [core] = await sizes();
    // The target is 3 KB min+gzip, not met yet (see README, Performance); this budget catches growth meanwhile.
    // Measured min+gzip: 5,917 B before the credential boundary (#12); 7,262 B after it (the scope module, the redirect
    // follower now in browsers too); 7,795 B after lifetime and politeness (#13); 8,042 B with FetchUnavailableError (#15)
    // and the boundary review's fixes; 8,663 B with tokenUrl and the browser guard rail (#14); 8,794 B with the lifetime
    // review's fixes (route verdicts, Retry-After cap and parsing, no retries once unwanted), and the token endpoint's own
    // refusal message (#14); 8,975 B with the store hook of fleets (#18; the Redis store itself is a separate entry).
    // Issue #16 owns bringing it down.
    expect(core!.gzip).toBeLessThanOrEqual(9000);
  }, 30_000);
});
