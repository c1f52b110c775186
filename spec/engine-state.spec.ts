import { CYCLE_INTERVAL } from '../src/auth-budget.js';
import { cycleAllowedAt, initialState, reduce, refusalOf, usableSession, validToken, type EngineEvent, type EngineState } from '../src/engine-state.js';
import { AuthError } from '../src/errors.js';
import { Secret } from '../src/secret.js';
import type { Session } from '../src/token-response.js';

/** The engine's state is a pure reduction of its events: no time, no scheduler. */
describe('engine state (reducer)', () => {
  const session = (n: number, issuedAt = 0, expiresAt = 10_000): Session => ({ accessToken: `access-${n}`, refreshToken: new Secret(`refresh-${n}`), issuedAt, expiresAt });
  const run = (...events: EngineEvent[]): EngineState => events.reduce(reduce, initialState);

  it('goes authenticating, then authenticated with the token; a later cycle is a refresh', () => {
    const one = session(1);
    expect(run({ type: 'started', at: 0 }).status).toBe('authenticating');
    const state = run({ type: 'started', at: 0 }, { type: 'succeeded', session: one });
    expect([state.status, state.token]).toEqual(['authenticated', 'access-1']);
    expect(reduce(state, { type: 'started', at: 5 }).status).toBe('refreshing');
  });

  it('drops a refused token only while it is the current one (the stale-token check)', () => {
    const state = run({ type: 'started', at: 0 }, { type: 'succeeded', session: session(1) });
    expect(reduce(state, { type: 'refused', token: 'access-0' })).toBe(state);
    expect(reduce(state, { type: 'refused', token: 'access-1' }).token).toBeNull();
  });

  it('drops a token at its expiry, not before, and changes nothing otherwise', () => {
    const state = run({ type: 'started', at: 0 }, { type: 'succeeded', session: session(1) });
    expect(reduce(state, { type: 'expired', at: 9_999 })).toBe(state);
    const expired = reduce(state, { type: 'expired', at: 10_000 });
    expect([expired.token, expired.status]).toEqual([null, 'idle']);
    expect(validToken(state, 10_000)).toBeNull();
    expect(validToken(state, 9_999)).toBe('access-1');
  });

  it('never offers a rejected refresh token again, until a new session', () => {
    const one = session(1);
    const state = run({ type: 'started', at: 0 }, { type: 'succeeded', session: one }, { type: 'refresh-rejected', session: one });
    expect(usableSession(state)?.refreshToken).toBeNull();
    expect(usableSession(reduce(state, { type: 'succeeded', session: session(2) }))?.refreshToken?.reveal()).toBe('refresh-2');
  });

  it("keeps a refused login's verdict for a second, and a Retry-After for its whole wait", () => {
    const rejected = new AuthError('rejected', 'The API key was rejected (HTTP 400)', { status: 400 });
    const state = run({ type: 'started', at: 100 }, { type: 'failed', at: 101, error: rejected });
    expect(refusalOf(state, 100 + CYCLE_INTERVAL - 1)).toBe(rejected);
    expect(refusalOf(state, 100 + CYCLE_INTERVAL)).toBeNull();
    const limited = run({ type: 'started', at: 0 }, { type: 'failed', at: 10, error: new AuthError('rate-limited', 'wait', { retryAfter: 60_000 }) });
    expect(refusalOf(limited, 30_000)?.retryAfter).toBe(30_010);
    expect(cycleAllowedAt(limited, 'caller')).toBe(60_010);
    expect(refusalOf(limited, 60_010)).toBeNull();
  });

  it('spends the budget at each start, whatever the outcome', () => {
    const state = run({ type: 'started', at: 0 }, { type: 'cancelled' }, { type: 'started', at: 1 }, { type: 'started', at: 2 });
    expect(cycleAllowedAt(state, 'caller')).toBe(1000);
    expect(cycleAllowedAt(state, 'engine')).toBe(3000);
    expect(state.status).toBe('authenticating');
  });
});
