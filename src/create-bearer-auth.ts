import { defer, type Observable } from 'rxjs';
import { requestPipeline, type RequestPlan } from './authorized-request.js';
import type { AuthorizeOptions } from './authorize.js';
import { createFetchHelpers } from './fetch-helpers.js';
import type { BearerRequestInit } from './request-input.js';
import { normalizeOptions, type BearerAuthOptions } from './options.js';
import type { AuthState } from './auth-state.js';
import type { CredentialScope } from './credential-scope.js';
import { createTokenEngine, type TokenEngine } from './token-engine.js';
import { hasStatus401, unauthorizedPolicy } from './unauthorized.js';

export interface BearerAuth {
  /** The current valid token, or null when there is none right now. A new subscriber gets the current value at once; the first one starts the login. */
  readonly token$: Observable<string | null>;
  /** The current value of token$, synchronously (does not start a login). */
  readonly token: string | null;
  /** Status, expiry and last error; never a secret. */
  readonly state$: Observable<AuthState>;
  /**
   * fetch with the token attached (baseUrl's origin and allowedOrigins only); a 401 refreshes and resends once. Unsubscribing aborts.
   * `init.json` sends a value as JSON (`content-type: application/json` unless given), as ky does.
   */
  fetch(input: string | URL | Request, init?: BearerRequestInit): Observable<Response>;
  /** Like fetch, parsing the JSON body; a non-2xx answer errors with HttpError. */
  json<T = unknown>(input: string | URL | Request, init?: BearerRequestInit): Observable<T>;
  /** Runs any token-using Observable factory (HttpClient, ajax, axios...) with the same 401 handling. */
  authorize<T>(factory: (token: string) => Observable<T>, options?: AuthorizeOptions): Observable<T>;
  /** Forces a refresh now (or joins the one under way) and emits the new token; within the auth budget (a burst of 3, then one a second), so it may wait up to a second. */
  refresh(): Observable<string>;
  /**
   * Where this client's token may go: baseUrl's origin and allowedOrigins,
   * never the auth routes. auth.fetch/json and rx-bearer/angular ask it;
   * ask it too before handing the token to a client of your own.
   */
  readonly scope: CredentialScope;
  /** What JSON.stringify and loggers show of it: its public state, never a token or a secret. */
  toJSON(): AuthState;
  /** Stops timers and in-flight auth calls, completes token$ and state$; later calls error with DisposedError. */
  dispose(): void;
}

/**
 * Creates the token client.
 *
 * @example
 * // On a server (or an internal tool): the API key.
 * const auth = createBearerAuth({ apiKey: process.env.APIVIDEO_API_KEY! });
 * // In a browser: tokens from your own endpoint (rx-bearer/server), the key stays there.
 * const auth = createBearerAuth({ tokenUrl: '/api/video-token', baseUrl: 'https://sandbox.api.video' });
 * auth.json<{ data: unknown[] }>('/videos').subscribe((page) => console.log(page.data.length));
 */
export function createBearerAuth(options: BearerAuthOptions): BearerAuth {
  // The engine exists only after the options are resolved; the tokenUrl transport asks it for its token later, at each login.
  let created: TokenEngine | undefined;
  const resolved = normalizeOptions(options, () => created?.token ?? null);
  const engine = (created = createTokenEngine(resolved));
  const policy = unauthorizedPolicy(engine, resolved);
  const pipeline = requestPipeline(engine, policy);
  const { fetch, json } = createFetchHelpers(pipeline, policy, resolved);

  const auth: BearerAuth = {
    token$: engine.token$,
    get token() {
      return engine.token;
    },
    state$: engine.state$,
    fetch,
    json,
    authorize: <T>(factory: (token: string) => Observable<T>, { isUnauthorized = hasStatus401, route }: AuthorizeOptions = {}) => {
      const plan: RequestPlan<T> = {
        send: (token, phase, subscriber, failed) =>
          defer(() => factory(token)).subscribe({
            next: (value) => {
              policy.accepted(token);
              subscriber.next(value);
            },
            complete: () => subscriber.complete(),
            error: (error: unknown) => {
              // A refusal with no resend to follow tells the policy (a route that refuses, or a revoked token).
              if (phase !== 'first' && isUnauthorized(error)) policy.refusedWithoutResend(plan, token, phase);
              failed(error);
            },
          }),
        isRefusal: isUnauthorized,
        ...(route === undefined ? {} : { routeName: () => route }),
      };
      return pipeline.authorized(plan);
    },
    refresh: engine.refresh,
    scope: resolved.scope,
    dispose: engine.dispose,
    toJSON: () => engine.state,
  };
  return auth;
}
