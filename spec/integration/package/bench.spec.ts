import { rxBearer } from '../../../bench/contenders/index.js';
import { coldStart, expiry, outage, revocation } from '../../../bench/scenarios.js';
import { costRatio, trimmedMean } from '../../../bench/overhead.js';
import { scale } from '../../../bench/scale.js';
import { coreSize } from '../../../bench/size.js';
import { bytesPerSource, decodeMappings, decodeVlq } from '../../../bench/sourcemap.js';

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

  it('S9 scale: with a token, every request in flight has started its fetch after one turn of the event loop', async () => {
    expect(await scale(2000, 'with a token')).toEqual(jasmine.objectContaining({ n: 2000, fetches: 2000 }));
  }, 30_000);

  it('S9 scale: waiting for a login, 2,000 requests in flight share one login and start no fetch of their own', async () => {
    expect(await scale(2000, 'waiting for a login')).toEqual(jasmine.objectContaining({ n: 2000, fetches: 1 }));
  }, 30_000);

  it('S6 size: the browser core in production mode (rxjs excluded) stays within its byte budget', async () => {
    const core = await coreSize('production');
    // The target is 7,000 B min+gzip (#21; 4,500 B before it); this budget catches growth meanwhile. Measured on the production-condition
    // build since #16 (the same build the bench reports); before that, on the plain browser condition.
    // Measured min+gzip: 5,917 B before the credential boundary (#12); 7,262 B after it (the scope module, the redirect
    // follower now in browsers too); 7,795 B after lifetime and politeness (#13); 8,042 B with FetchUnavailableError (#15)
    // and the boundary review's fixes; 8,663 B with tokenUrl and the browser guard rail (#14); 8,794 B with the lifetime
    // review's fixes (route verdicts, Retry-After cap and parsing, no retries once unwanted), and the token endpoint's own
    // refusal message (#14); 8,975 B with the store hook of fleets (#18; the Redis store itself is a separate entry);
    // 9,283 B with the hot path's fast lane and URL caches (#16, first commits); 9,484 B with the rest of the fast lane
    // (the shared login wait, per-send headers, the exchange outside the request's closure). Stripping every quoted
    // message longer than 20 characters from that build leaves 6,643 B: a development/production split of messages
    // cannot reach 4,500 B on its own. 9,579 B once a request in flight held under 2 KB (one per-client attempt
    // function, the shared wait taken directly, one 'Bearer …' string per token): the fast lane as a whole cost
    // about 600 B against 8,975 B, for half the time and memory per request. 9,661 B with the outside review's fixes
    // (the bearer token redacted from auth.json's HttpError; a Request's body read ends with the signal); 9,708 B with
    // auth routes spelled with trailing dots or spaces, and a rejected key asked again at most once a second; 9,769 B
    // with ERROR_CODES, the one public list of error codes (#21; 61 B, of which Object.freeze 3 B).
    // 10,502 B with the engine of #21 on top (the state reducer, the auth budget, the 401 policy and the one request
    // pipeline as modules of their own, the redirecting fetch per client, FetchRequest). 9,809 B (with the revoked-token fix and the merges) with the
    // development/production split (#21, item 7): the `development` condition's build keeps the full messages and
    // the option type checks; the default one keeps every URL and credential check, each error's class and code,
    // with short messages. Short of the 7,000 B target: the rest is code. 10,362 B (+553 B on 9,809) with #22's
    // transport edges: every auth answer read through a 64 KB cap as it streams (capped-body, 564 B min), the
    // sendable-token rule (116 B min), auth routes matched after lenient, repeated decoding (credential-scope +391 B min).
    // 10,600 B (+238 B) with the public TokenSource contract of #23 (a `source` option, its validation and the
    // transport around it) and `json:` in auth.fetch's init (#24).
    // #24's errors that say what to do, measured on 9,809 B by taking each out of that build: +256 B (the system code
    // named down the cause chain 86 B, the foreign-origin 401 hint 70 B, the 404 wording 48 B, the attempt count about
    // 30 B, refreshOn refused in production too 22 B), then -47 B (shorter production wording of a too-long Retry-After
    // and an empty auth answer, no message on the internal RetryAfterTooLong), and the 404's advice names baseUrl or
    // tokenUrl only for a URL that option made. Measured after merging main: 10,588 B on main, 10,849 B with the above (+261 B).
    // 2026-12-03: 10,890 B with tokenUrlCredentials; +46 B to 10,936 B for the outside review's leak fixes (the credential
    // redacted in the status text, in JSON-escaped error bodies and in a redirect's target host: src/redact.ts).
    expect(core.gzip).toBeLessThanOrEqual(10_950);
  }, 30_000);

  it("S6 size: the per-file rows come from the headline's own build and add up to its minified bytes", async () => {
    for (const mode of ['production', 'development'] as const) {
      const core = await coreSize(mode);
      expect(core.conditions).toEqual(['browser', mode]);
      expect(core.modules.reduce((sum, row) => sum + row.min, 0) + core.unattributed).toBe(core.min);
      expect(core.modules.map((row) => row.module)).toContain('src/create-bearer-auth.ts'); // followed dist's maps back to src/
      expect(core.unattributed).toBeLessThan(core.min / 20);
    }
  }, 30_000);
});

describe("the bench's source map reading", () => {
  it('decodes base64 VLQ: signs, continuation digits, 32-bit values', () => {
    expect(decodeVlq('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlq('CADF')).toEqual([1, 0, -1, -2]);
    expect(decodeVlq('gB')).toEqual([16]);
    expect(decodeVlq('hB')).toEqual([-16]);
    expect(decodeVlq('+/////D')).toEqual([2 ** 31 - 1]);
    expect(decodeVlq('//////D')).toEqual([-(2 ** 31 - 1)]);
  });

  it('rejects what is not base64 VLQ', () => {
    for (const bad of ['A*', 'g', 'AAg']) expect(() => decodeVlq(bad)).toThrowError(SyntaxError);
  });

  it('carries the source index across lines and restarts the column on each line', () => {
    expect(decodeMappings('AAAA,EAAA,C;ACAA')).toEqual([
      [{ column: 0, source: 0 }, { column: 2, source: 0 }, { column: 3, source: -1 }],
      [{ column: 0, source: 1 }],
    ]);
  });

  it('gives every byte of the output to one source file or to "unattributed", in UTF-8 bytes', () => {
    // line 1: 'ab' from a.ts, 'cd' from b.ts (columns 0 and 2); line 2: 'x' unmapped, then 'é!' (3 bytes) from a.ts at column 1
    const totals = bytesPerSource('abcd\nxé!', { sources: ['a.ts', 'b.ts'], mappings: 'AAAA,ECAA;CDAA' });
    expect(Object.fromEntries(totals)).toEqual({ 'a.ts': 5, 'b.ts': 2, null: 2 });
    expect([...totals.values()].reduce((a, b) => a + b)).toBe(Buffer.byteLength('abcd\nxé!'));
  });
});

describe("S5's ratio to the RxJS floor (the statistic, on made-up rounds)", () => {
  /** `n` rounds of `level` µs with a fixed, zero-centred wiggle of ± `noise`, as a shared machine adds. */
  const rounds = (level: number, noise: number, n = 60) => Array.from({ length: n }, (_, i) => level + noise * Math.sin(i * 2.399));

  it('trims the outer 20% of rounds on each side before averaging', () => {
    expect(trimmedMean([1, 2, 3, 4, 5, 6, 7, 8, 9, 1000])).toBe(5.5);
    expect(trimmedMean([-1000, 10, 10, 10, 10])).toBe(10);
  });

  it('a cost clearly within 3× a clearly measured floor is met, and its interval brackets the estimate', () => {
    const result = costRatio(rounds(40, 10), rounds(20, 10), 3);
    expect(result.resolved).toBeTrue();
    expect(result.ratio).toBeCloseTo(2, 1);
    expect(result.interval[0]).toBeLessThanOrEqual(result.ratio);
    expect(result.interval[1]).toBeGreaterThanOrEqual(result.ratio);
    expect(result.verdict).toBe('met');
  });

  it('a cost clearly above 3× is missed; one at 3× with wide rounds is only "within noise"', () => {
    expect(costRatio(rounds(100, 10), rounds(20, 5), 3).verdict).toBe('missed');
    expect(costRatio(rounds(55, 200), rounds(20, 5), 3).verdict).toBe('within noise');
  });

  it('a floor not told apart from zero gives no ratio ("unresolved", ∞), however small the cost: one noisy round no longer decides it', () => {
    const floor = rounds(5, 300);
    const result = costRatio(rounds(10, 300), floor, 3);
    expect(result.resolved).toBeFalse();
    expect(result.ratio).toBe(Infinity);
    expect(result.verdict).toBe('unresolved');
    // The per-round ratios of before swung from ∞ to negative on such rounds; this one does not depend on any one round.
    const spoilt = [...floor];
    spoilt[7] = 1e6;
    expect(costRatio(rounds(10, 300), spoilt, 3).verdict).toBe('unresolved');
  });

  it('is the same for the same rounds (a seeded bootstrap)', () => {
    const subject = rounds(40, 30);
    const floor = rounds(20, 30);
    expect(costRatio(subject, floor, 3)).toEqual(costRatio(subject, floor, 3));
  });
});
