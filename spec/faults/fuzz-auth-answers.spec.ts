import fc from 'fast-check';
import { inspect } from 'node:util';
import { NEVER, of, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { createBearerAuth, HttpError, NetworkError, isRxBearerError, type AuthTransport, type TokenResponse } from '../../src/index.js';
import { tokenResponse } from '../../src/testing/marbles.js';
import { leakedSecrets, secretsOf } from '../helpers/leaks.js';

const API_KEY = 'fuzz-api-key-5f3a9c';
const DISPOSE_AT = 24 * 3600_000;

/** One scripted answer of the auth server, as a generator of cold observables. */
type Answer = (cold: TestScheduler['createColdObservable'], issued: Set<string>, refreshTokens: Set<string>) => Observable<TokenResponse>;

const valid = fc.record({ expiresIn: fc.integer({ min: 1, max: 7200 }), latency: fc.integer({ min: 1, max: 3000 }) }).map(
  ({ expiresIn, latency }): Answer => (cold, issued, refreshTokens) => {
    const body = tokenResponse({ expiresIn });
    issued.add(body.access_token);
    refreshTokens.add(body.refresh_token);
    return cold(`${latency}ms (t|)`, { t: body });
  },
);

const mutated = fc.record({ field: fc.constantFrom('token_type', 'expires_in', 'access_token', 'refresh_token'), value: fc.option(fc.anything(), { nil: undefined }) }).map(
  ({ field, value }): Answer => (cold, issued, refreshTokens) => {
    const body: Record<string, unknown> = { ...tokenResponse({ expiresIn: 600 }), [field]: value };
    if (typeof body['access_token'] === 'string') issued.add(body['access_token']);
    if (field !== 'refresh_token') refreshTokens.add(body['refresh_token'] as string);
    return cold('5ms (t|)', { t: body as unknown as TokenResponse });
  },
);

const garbage = fc.anything().map((body): Answer => (cold) => cold('2ms (t|)', { t: body as TokenResponse }));

const failure = fc.record({
  status: fc.constantFrom(400, 401, 403, 404, 408, 429, 500, 502, 503, 504),
  retryAfter: fc.option(fc.oneof(fc.string(), fc.integer({ min: -5, max: 100_000 }).map(String)), { nil: undefined }),
}).map(({ status, retryAfter }): Answer => (cold) =>
  cold<TokenResponse>('3ms #', undefined, new HttpError({ status, url: 'http://auth.test', headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } })),
);

const odd = fc.constantFrom<Answer>(
  (cold) => cold<TokenResponse>('1ms #', undefined, new NetworkError('http://auth.test')),
  () => NEVER as Observable<TokenResponse>, // no answer: the request timeout
  (cold) => cold<TokenResponse>('4ms |'), // completes with nothing
  (cold) => cold<TokenResponse>('1ms #', undefined, 'a string thrown by a broken transport'),
);

const answer = fc.oneof(valid, mutated, garbage, failure, odd);
const request = fc.record({ at: fc.integer({ min: 0, max: 600_000 }), outcomes: fc.array(fc.constantFrom('ok', '401', '500'), { minLength: 1, maxLength: 3 }) });

describe('fuzzing the engine with random auth answers and 401/5xx sequences (virtual time)', () => {
  it('never throws an untyped error, never hangs, never leaks a secret, and token$ only carries issued tokens', () => {
    fc.assert(
      fc.property(fc.array(answer, { maxLength: 12 }), fc.array(request, { minLength: 1, maxLength: 8 }), (answers, requests) => {
        const scheduler = new TestScheduler(() => true);
        const issued = new Set<string>();
        const refreshTokens = new Set<string>();
        const seen: unknown[] = [];
        const badTokens: string[] = [];
        const settled: string[] = [];
        scheduler.run(({ cold }) => {
          const queue = [...answers];
          // Once the script runs out the server is healthy again.
          const healthy: Answer = (c, i, r) => {
            const body = tokenResponse({ expiresIn: 3600 });
            i.add(body.access_token);
            r.add(body.refresh_token);
            return c('1ms (t|)', { t: body });
          };
          const respond = () => (queue.shift() ?? healthy)(cold, issued, refreshTokens);
          const transport: AuthTransport = { login: respond, refresh: respond };
          const auth = createBearerAuth({ apiKey: API_KEY, transport, scheduler });
          auth.token$.subscribe((token) => token !== null && !issued.has(token) && badTokens.push(token));
          auth.state$.subscribe((state) => seen.push(state));
          requests.forEach(({ at, outcomes }, index) => {
            scheduler.schedule(() => {
              let attempt = 0;
              auth
                .authorize((token) => {
                  const outcome = outcomes[Math.min(attempt++, outcomes.length - 1)];
                  if (outcome === 'ok') return of(token);
                  return cold('2ms #', undefined, { status: Number(outcome) });
                })
                .subscribe({
                  next: () => settled.push(`ok ${index} at ${scheduler.now()}`),
                  error: (error: unknown) => {
                    seen.push(error);
                    const expected = isRxBearerError(error) || (error as { status?: number }).status === 401 || (error as { status?: number }).status === 500;
                    settled.push(expected ? `error ${index} at ${scheduler.now()}` : `UNTYPED ${inspect(error)}`);
                  },
                });
            }, at);
          });
          scheduler.schedule(() => auth.dispose(), DISPOSE_AT);
        });
        const leaked = leakedSecrets(seen, secretsOf(API_KEY, refreshTokens));
        expect(badTokens).toEqual([]);
        expect(leaked).toEqual([]);
        expect(settled.filter((entry) => entry.startsWith('UNTYPED'))).toEqual([]);
        const beforeDispose = settled.filter((entry) => !entry.endsWith(` at ${DISPOSE_AT}`));
        expect(beforeDispose.length).withContext('every request settled long before dispose').toBe(requests.length);
        return badTokens.length === 0 && leaked.length === 0 && beforeDispose.length === requests.length && !settled.some((entry) => entry.startsWith('UNTYPED'));
      }),
      { numRuns: 400 },
    );
  });
});
