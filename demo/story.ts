import { EMPTY, Subject, concat, defer, finalize, first, forkJoin, ignoreElements, map, merge, mergeMap, of, skipWhile, take, takeUntil, tap, timer, type Observable, type SchedulerLike } from 'rxjs';
import type { BearerAuth } from '../src/index.js';
import type { AuthCall } from './observe-transport.js';

export type Lane = 'story' | 'token' | 'state' | 'auth' | 'request';

/** One row of the timeline. `at` is ms since the story began. */
export interface DemoEvent {
  readonly at: number;
  readonly lane: Lane;
  readonly text: string;
  readonly tone?: 'good' | 'bad';
}

/** What the embedded server can be made to do; absent against a real API. */
export interface ServerTricks {
  /** Holds the next `count` API answers until the returned function is called. */
  holdRequests(count: number): () => void;
  revokeAll(): void;
  failRefresh(times: number): void;
  rejectRefreshToken(): void;
  /** Chapter 5's title, when the trick is not a rejected refresh token (an OAuth source has none). */
  chapter5?: string;
}

export interface StoryDeps {
  auth: BearerAuth;
  authCalls$: Observable<AuthCall>;
  /** One API call through the auth; emits whether it succeeded. */
  request: () => Observable<boolean>;
  scheduler: SchedulerLike;
  /** The access token lifetime in ms: the chapters are paced by it. */
  ttl: number;
  tricks?: ServerTricks;
}

export const THE_END = 'The end.';
const short = (token: string | null) => (token === null ? '○ none' : `● …${token.slice(-8)}`);

function authText({ kind, phase, ms, detail }: AuthCall): string {
  return phase === 'sent' ? `→ ${kind}` : `← ${kind} ${phase === 'ok' ? 'ok' : detail} (${Math.round(ms ?? 0)} ms)`;
}

/**
 * The demo's story as one observable of timeline events: five chapters in
 * sequence, with the token$, state$ and auth-call lanes merged in. Pure RxJS
 * on an injected scheduler, so a marble test runs it in virtual time.
 */
export function demoStory(deps: StoryDeps): Observable<DemoEvent> {
  const { auth, scheduler, ttl, tricks } = deps;
  const start = scheduler.now();
  const event = (lane: Lane, text: string, tone?: DemoEvent['tone']): DemoEvent => ({ at: scheduler.now() - start, lane, text, ...(tone ? { tone } : {}) });
  const say = (text: string) => defer(() => of(event('story', text)));
  const act = (effect: () => void) => defer(() => (effect(), EMPTY));

  /** n requests at once, reported in one row when all are back. */
  const burst = (n: number) =>
    defer(() => forkJoin(Array.from({ length: n }, () => deps.request()))).pipe(
      map((results) => {
        const ok = results.filter(Boolean).length;
        return event('request', `${n} × GET /videos → ${ok} ok${ok < n ? `, ${n - ok} failed` : ''}`, ok === n ? 'good' : 'bad');
      }),
    );
  /** One request every `every` ms, `count` times, a row each. */
  const steady = (count: number, every: number) =>
    timer(0, every, scheduler).pipe(
      take(count),
      mergeMap((n) => deps.request().pipe(map((ok) => event('request', `#${n + 1} GET /videos → ${ok ? '200' : 'failed'}`, ok ? 'good' : 'bad')))),
    );
  /** Completes once the token has been replaced: a refresh began and succeeded. */
  const replaced = () => auth.state$.pipe(skipWhile((state) => state.status !== 'refreshing'), first((state) => state.status === 'authenticated'));

  const tricky = (t: ServerTricks) =>
    concat(
      say('3. Revocation storm: the server revokes every token while 30 requests are in flight'),
      defer(() => {
        const release = t.holdRequests(30);
        return merge(burst(30), timer(300, scheduler).pipe(tap(() => (t.revokeAll(), release())), ignoreElements()));
      }),
      say('4. Auth outage: the next refresh gets 503 three times; the old token keeps serving'),
      act(() => t.failRefresh(3)),
      steady(Math.ceil((2 * ttl) / 500), 500).pipe(takeUntil(replaced())),
      say(t.chapter5 ?? '5. The refresh token is rejected: the client logs in again with the API key'),
      act(() => t.rejectRefreshToken()),
      auth.refresh().pipe(map((token) => event('story', `back in with ${short(token)}`, 'good'))),
      burst(5),
    );

  // Against a real API the tokens live an hour: waiting for the timer would show nothing, so refresh() forces the cycles.
  const forcedRefreshes = concat(
    say('2. Refreshes: a real API\'s tokens live an hour, too long to wait for the timer; refresh() forces two cycles while requests flow'),
    merge(steady(8, 500), timer(1000, 2000, scheduler).pipe(take(2), mergeMap(() => auth.refresh()), map((token) => event('story', `refreshed: ${short(token)}`, 'good')))),
    say('3.–5. Revocation storm, auth outage, rejected refresh token: skipped, they need the embedded server\'s tricks (npm run demo without --base-url)'),
    burst(5),
  );
  const chapters = concat(
    burst(50),
    tricks
      ? concat(say(`2. Timer refreshes: each ${ttl / 1000} s token is replaced before it expires, while requests flow`), steady(Math.round((1.2 * ttl) / 500), 500), tricky(tricks))
      : forcedRefreshes,
    say(THE_END),
  );

  // Auth calls first: subscribing to token$ starts the login, which should show.
  const lanes = merge(
    deps.authCalls$.pipe(map((call) => event('auth', authText(call), call.phase === 'failed' ? 'bad' : call.phase === 'ok' ? 'good' : undefined))),
    auth.token$.pipe(map((token) => event('token', short(token), token === null ? 'bad' : 'good'))),
    auth.state$.pipe(map((state) => event('state', state.status + (state.error ? ` (${state.error.reason})` : ''), state.status === 'error' ? 'bad' : undefined))),
  );

  // The lanes are subscribed before the first request, and end with the story.
  return defer(() => {
    const ended = new Subject<void>();
    return concat(say('1. Cold start: 50 requests at once share one login'), merge(lanes.pipe(takeUntil(ended)), chapters.pipe(finalize(() => ended.next()))));
  });
}
