/**
 * How often the auth server may be called: the one rule every path that can
 * start an auth cycle goes through (the refresh timer, recovery after an
 * outage, requests, 401s on any route, refresh(), the token endpoint's
 * reports). A cycle is a login or a refresh with its retries.
 *
 * The budget is a GCRA (a token bucket told by one time): sustained, one
 * cycle per CYCLE_INTERVAL; a caller may also spend a small burst of
 * CYCLE_BURST cycles, so that a revocation right after a refresh still
 * recovers at once, while the engine's own timers never use the burst.
 * A server's Retry-After holds every cycle back until it has passed.
 * Values only: the engine's reducer keeps the budget in its state.
 */

/** Sustained: at most one auth cycle per this many ms. */
export const CYCLE_INTERVAL = 1000;
/** Cycles a caller may start back to back before the sustained rate binds. */
export const CYCLE_BURST = 3;

export interface AuthBudget {
  /** When the sustained rate allows the next cycle (the GCRA's theoretical arrival time). */
  readonly due: number;
  /** No cycle before this time: the server asked to wait (Retry-After). */
  readonly notBefore: number;
}

/** Who asks for a cycle: the engine's own timers keep to the sustained rate; callers may use the burst. */
export type Asker = 'engine' | 'caller';

export const fullBudget: AuthBudget = Object.freeze({ due: -Infinity, notBefore: -Infinity });

/** The budget after a cycle starts at `at`. */
export const spend = (budget: AuthBudget, at: number): AuthBudget => ({ ...budget, due: Math.max(budget.due, at) + CYCLE_INTERVAL });

/** The budget after the server asked to wait until `until`. */
export const holdUntil = (budget: AuthBudget, until: number): AuthBudget =>
  until > budget.notBefore ? { ...budget, notBefore: until } : budget;

/** The earliest time `asker` may start a cycle. */
export const allowedAt = ({ due, notBefore }: AuthBudget, asker: Asker): number =>
  Math.max(notBefore, asker === 'engine' ? due : due - (CYCLE_BURST - 1) * CYCLE_INTERVAL);
