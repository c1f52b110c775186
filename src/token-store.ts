import type { Observable, SchedulerLike } from 'rxjs';
import type { Session } from './token-response.js';

/** Whether the last auth cycle went through the store ('shared') or ran alone because the store did not answer ('alone'). */
export type Coordination = 'shared' | 'alone';

/** What a store is told about the client it serves, once, by createBearerAuth. */
export interface StoreClient {
  /** The API key: a store derives its key from a hash of it and never stores it. */
  readonly apiKey: { reveal(): string };
  readonly scope: { readonly baseUrl: string };
  readonly refreshLeadTime: number;
  readonly requestTimeout: number;
  readonly retry: { readonly maxAttempts: number };
  readonly scheduler: SchedulerLike;
}

/** One auth cycle, handed to the store when the engine needs a new session. */
export interface StoreCycle {
  /** This process's latest session (the one to replace), or null. */
  readonly previous: Session | null;
  /** Runs the auth cycle alone, as without a store: refresh from `base` (falling back to one login), or login. Fails with an AuthError only. */
  authenticate(base: Session | null): Observable<Session>;
  /** Tells state$ how this cycle was coordinated. */
  coordination(mode: Coordination): void;
}

/**
 * Shares one session among many processes (`store` option), so that a fleet
 * logs in once and refreshes once per expiry. The engine hands each of its
 * auth cycles to the store, which either finds a newer session already
 * shared, waits for the process that is getting one, or becomes that
 * process (calling `cycle.authenticate`). A store that fails or is slow
 * must fall back to `cycle.authenticate(cycle.previous)`: requests never
 * fail because the store did. `rx-bearer/redis` provides one.
 */
export interface TokenStore {
  open(client: StoreClient): (cycle: StoreCycle) => Observable<Session>;
}
